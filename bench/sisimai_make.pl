#!/usr/bin/perl
# Baseline for `make bench`: Perl Sisimai (Debian libsisimai-perl) reading the same bounce
# emails as `smtpcodes scan`, REPEAT times in one process. Prints the recipients found and the
# seconds spent, as JSON, for bench/run_bounces.py.
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(time);

my ($dir, $repeat) = @ARGV;
die "usage: sisimai_make.pl DIR REPEAT\n" unless defined $dir && $repeat;
my ($found, $t0) = (0, time);
for (1 .. $repeat) {
    my $records = Sisimai->make($dir, 'delivered' => 1) || [];
    $found += scalar @$records;
}
printf "{\"recipients\": %d, \"seconds\": %.6f}\n", $found, time - $t0;
