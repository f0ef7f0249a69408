#!/usr/bin/perl
# Baseline for bench/python_bench.py: Perl Sisimai (Debian libsisimai-perl) reading the reply
# texts of bench/replies.jsonl with `Sisimai->match($text)`, the nearest thing Sisimai has to
# classifying one reply (it returns a reason name from the text alone). PASSES passes over the
# corpus in one process, after one warm-up pass; prints the median ns per reply as JSON, in CPU
# time of this process (what python_bench.py measures too: on a machine that other jobs share,
# time spent waiting for a core is not the code's) and in wall-clock time.
use strict;
use warnings;
use JSON::PP ();
use Sisimai;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC CLOCK_PROCESS_CPUTIME_ID);

my ($corpus, $passes) = @ARGV;
die "usage: sisimai_match.pl REPLIES.jsonl PASSES\n" unless defined $corpus && $passes;

my $json = JSON::PP->new->utf8;
my @texts;
open(my $fh, '<', $corpus) or die "$corpus: $!\n";
while (my $line = <$fh>) {
    next unless $line =~ /\S/;
    push @texts, $json->decode($line)->{text} // '';
}
close $fh;

# Warm-up pass (loads the rule modules); counts the texts given a reason other than `undefined`.
my $matched = grep { (Sisimai->match($_) // 'undefined') ne 'undefined' } @texts;
my (@ns, @wall_ns);
for (1 .. $passes) {
    my ($c0, $w0) = (clock_gettime(CLOCK_PROCESS_CPUTIME_ID), clock_gettime(CLOCK_MONOTONIC));
    Sisimai->match($_) for @texts;
    push @ns, (clock_gettime(CLOCK_PROCESS_CPUTIME_ID) - $c0) * 1e9 / scalar @texts;
    push @wall_ns, (clock_gettime(CLOCK_MONOTONIC) - $w0) * 1e9 / scalar @texts;
}

sub median {
    my @v = sort { $a <=> $b } @_;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

print $json->canonical->encode({
    replies      => scalar @texts,
    passes       => scalar @ns,
    ns_per_reply => sprintf('%.1f', median(@ns)) + 0,
    min_ns       => sprintf('%.1f', (sort { $a <=> $b } @ns)[0]) + 0,
    wall_ns      => sprintf('%.1f', median(@wall_ns)) + 0,
    matched      => $matched,
    sisimai      => "$Sisimai::VERSION",
    perl         => sprintf('%vd', $^V),
}), "\n";
