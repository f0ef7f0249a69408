//! The summary of a scan, built once from its counts and written as text or as HTML: both
//! show the same tables, so what a person reads in one is what the other says.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{escape, Example, Outcomes, Tally};

/// A table of counts: the largest first (ties by name), `top` rows and the rest in one.
pub(super) struct Counted {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<(String, u64)>,
    /// The total the shares are of.
    pub all: u64,
    /// Rows left off: how many, and their total.
    pub rest: Option<(usize, u64)>,
}

impl Counted {
    fn new(
        id: &'static str,
        title: &str,
        items: impl Iterator<Item = (String, u64)>,
        top: usize,
    ) -> Counted {
        let mut rows: Vec<(String, u64)> = items.collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let all = rows.iter().map(|(_, n)| n).sum();
        let rest = rows.split_off(rows.len().min(top));
        Counted {
            id,
            title: title.to_owned(),
            rows,
            all,
            rest: (!rest.is_empty()).then(|| (rest.len(), rest.iter().map(|(_, n)| n).sum())),
        }
    }

    /// `n` as a share of the table's total, in percent.
    pub fn share(&self, n: u64) -> f64 {
        percent(n, self.all)
    }
}

/// Delivered, deferred and bounced results per provider or per recipient domain.
pub(super) struct Shares {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<(String, Outcomes)>,
    pub rest: Option<(usize, u64)>,
}

impl Shares {
    fn new(
        id: &'static str,
        title: &str,
        items: impl Iterator<Item = (String, Outcomes)>,
        top: usize,
    ) -> Shares {
        let mut rows: Vec<(String, Outcomes)> = items.collect();
        rows.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then_with(|| a.0.cmp(&b.0)));
        let rest = rows.split_off(rows.len().min(top));
        Shares {
            id,
            title: title.to_owned(),
            rows,
            rest: (!rest.is_empty())
                .then(|| (rest.len(), rest.iter().map(|(_, o)| o.total()).sum())),
        }
    }
}

/// The deferred attempts per hour or per day of the lines' own clock.
pub(super) struct Deferrals {
    /// `hour` or `day`.
    pub unit: &'static str,
    /// Per hour (`11-23 04:00`) or day (`11-23`): deferred attempts and all attempts.
    pub rows: Vec<(String, u64, u64)>,
}

/// The replies of one reason, grouped by the rule that decided them.
pub(super) struct ReplyGroups {
    pub reason: &'static str,
    pub replies: u64,
    pub groups: Vec<(String, Example)>,
    /// Groups left off: how many, and their replies.
    pub rest: Option<(usize, u64)>,
}

/// The addresses to stop mailing.
pub(super) struct Suppress {
    pub total: usize,
    pub rows: Vec<(String, &'static str, String)>,
}

/// Everything the summary shows.
pub(super) struct Summary {
    pub totals: String,
    pub skipped: String,
    /// What joining a log's lines into messages could not do within its bounds.
    pub notes: Vec<String>,
    pub by_reason: Counted,
    pub by_action: Counted,
    pub by_fault: Counted,
    pub domains: Counted,
    pub providers: Counted,
    pub provider_shares: Shares,
    pub domain_shares: Shares,
    /// Failed or deferred results per provider and reason, for the chart.
    pub reasons_by_provider: Vec<(String, Vec<(&'static str, u64)>)>,
    pub deferrals: Option<Deferrals>,
    pub replies: Vec<ReplyGroups>,
    pub suppress: Suppress,
    /// What was skipped, one line each.
    pub listing: Vec<String>,
}

/// The most addresses to suppress listed in the summary, when `--top` is smaller.
const SUPPRESS_LISTED: usize = 50;

/// Rule groups shown per reason under "Top replies by reason".
const GROUPS_PER_REASON: usize = 3;

/// `n` of `all` in percent (0 when `all` is 0).
pub(super) fn percent(n: u64, all: u64) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "a share to one decimal")]
    let share = 100.0 * n as f64 / all.max(1) as f64;
    share
}

impl Summary {
    #[allow(
        clippy::too_many_lines,
        reason = "one section of the summary after another, each a few lines, in the order they are shown"
    )]
    pub fn new(
        t: &Tally,
        totals: String,
        skipped: String,
        listing: Vec<String>,
        top: usize,
    ) -> Self {
        let names = |m: &BTreeMap<&'static str, u64>| {
            m.iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect::<Vec<_>>()
        };
        let mut notes = Vec::new();
        if t.flushed_early > 0 {
            notes.push(format!(
                "{} messages were counted before their last line, to keep within the bound of \
                 messages held open at once (each later line of one starts a new account).",
                t.flushed_early
            ));
        }
        if t.without_delivery > 0 {
            notes.push(format!(
                "{} messages have no delivery result in the logs (received or queued, never \
                 attempted within them) and are not counted.",
                t.without_delivery
            ));
        }
        Summary {
            totals,
            skipped,
            notes,
            by_reason: Counted::new(
                "by-reason",
                "By reason",
                names(&t.by_reason).into_iter(),
                top,
            ),
            by_action: Counted::new(
                "by-action",
                "By action",
                names(&t.by_action).into_iter(),
                top,
            ),
            by_fault: Counted::new("by-fault", "By fault", names(&t.by_fault).into_iter(), top),
            domains: Counted::new(
                "domains",
                "Top recipient domains (failed or deferred)",
                t.outcomes_by_domain
                    .iter()
                    .filter(|(_, o)| o.deferred + o.bounced > 0)
                    .map(|(k, o)| (domain(k), o.deferred + o.bounced)),
                top,
            ),
            providers: Counted::new(
                "providers",
                "Top providers",
                t.outcomes_by_provider
                    .iter()
                    .map(|(k, o)| ((*k).to_owned(), o.total())),
                top,
            ),
            provider_shares: Shares::new(
                "provider-shares",
                "Delivered, deferred, bounced by provider",
                t.outcomes_by_provider
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), *v)),
                top,
            ),
            domain_shares: Shares::new(
                "domain-shares",
                "Delivered, deferred, bounced by recipient domain",
                t.outcomes_by_domain.iter().map(|(k, v)| (domain(k), *v)),
                top,
            ),
            reasons_by_provider: reasons_by_provider(t, top),
            deferrals: deferrals(&t.by_hour),
            replies: replies(t, top),
            suppress: Suppress {
                total: t.suppress.len(),
                rows: t
                    .suppress
                    .iter()
                    .take(top.max(SUPPRESS_LISTED))
                    .map(|(a, (reason, code))| (escape(a.as_bytes()), *reason, code.clone()))
                    .collect(),
            },
            listing,
        }
    }

    /// Writes the summary as text for a terminal.
    pub fn text(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.totals)?;
        writeln!(out, "{}", self.skipped)?;
        for note in &self.notes {
            writeln!(out, "{note}")?;
        }
        for table in [
            &self.by_reason,
            &self.by_action,
            &self.by_fault,
            &self.domains,
            &self.providers,
        ] {
            counted_text(out, table)?;
        }
        shares_text(out, &self.provider_shares)?;
        shares_text(out, &self.domain_shares)?;
        if let Some(d) = &self.deferrals {
            writeln!(out, "\nDeferrals per {} (the lines' own clock)", d.unit)?;
            for (when, deferred, all) in &d.rows {
                let share = percent(*deferred, *all);
                writeln!(out, "  {when:<14} {deferred:>9} of {all:>9} {share:>5.1}%")?;
            }
        }
        if !self.replies.is_empty() {
            writeln!(
                out,
                "\nTop replies by reason (failed or deferred; the rule that decided)"
            )?;
            for r in &self.replies {
                writeln!(out, "  {:<28} {:>9}", r.reason, r.replies)?;
                for (matched, e) in &r.groups {
                    writeln!(out, "    {:>9}  {}", e.replies, escape(matched.as_bytes()))?;
                    writeln!(out, "               e.g. {}", example(e))?;
                }
                if let Some((n, replies)) = r.rest {
                    writeln!(out, "    {replies:>9}  ... {n} more rules")?;
                }
            }
        }
        writeln!(out, "\nAddresses to suppress ({})", self.suppress.total)?;
        for (address, reason, code) in &self.suppress.rows {
            writeln!(out, "  {address:<40} {reason:<18} {code}")?;
        }
        if self.suppress.total > self.suppress.rows.len() {
            writeln!(
                out,
                "  ... and {} more (all of them: --format csv)",
                self.suppress.total - self.suppress.rows.len()
            )?;
        }
        // What was skipped comes last, where the run ends.
        if !self.listing.is_empty() {
            writeln!(out, "\nSkipped")?;
            for line in &self.listing {
                writeln!(out, "{line}")?;
            }
        }
        Ok(())
    }
}

/// A recipient domain as shown: escaped, and named for a local address without one.
fn domain(d: &str) -> String {
    if d.is_empty() {
        "(no domain)".to_owned()
    } else {
        escape(d.as_bytes())
    }
}

/// An example reply: its code and text, escaped for a terminal.
pub(super) fn example(e: &Example) -> String {
    let text = escape(e.text.as_bytes());
    if e.code.is_empty() {
        text
    } else {
        format!("{} {text}", e.code)
    }
}

fn counted_text(out: &mut dyn Write, t: &Counted) -> io::Result<()> {
    writeln!(out, "\n{}", t.title)?;
    if t.rows.is_empty() {
        writeln!(out, "  (none)")?;
    }
    for (name, n) in &t.rows {
        writeln!(out, "  {name:<28} {n:>9} {:>5.1}%", t.share(*n))?;
    }
    if let Some((rows, n)) = t.rest {
        let more = format!("... {rows} more");
        writeln!(out, "  {more:<28} {n:>9} {:>5.1}%", t.share(n))?;
    }
    Ok(())
}

fn shares_text(out: &mut dyn Write, t: &Shares) -> io::Result<()> {
    writeln!(out, "\n{}", t.title)?;
    if t.rows.is_empty() {
        writeln!(out, "  (none)")?;
        return Ok(());
    }
    writeln!(
        out,
        "  {:<28} {:>9} {:>10} {:>10} {:>10}",
        "", "results", "delivered", "deferred", "bounced"
    )?;
    let pct = |n: u64, all: u64| format!("{:.1}%", percent(n, all));
    for (name, o) in &t.rows {
        let all = o.total();
        writeln!(
            out,
            "  {name:<28} {all:>9} {:>10} {:>10} {:>10}",
            pct(o.delivered, all),
            pct(o.deferred, all),
            pct(o.bounced, all)
        )?;
    }
    if let Some((rows, n)) = t.rest {
        writeln!(out, "  {:<28} {n:>9}", format!("... {rows} more"))?;
    }
    Ok(())
}

/// Deferred attempts per hour of the lines' own clock, or per day over two days of hours.
pub(super) fn deferrals(by_hour: &BTreeMap<String, (u64, u64)>) -> Option<Deferrals> {
    if by_hour.is_empty() {
        return None;
    }
    // Over two days of hours, a row a day reads better.
    if by_hour.len() > 48 {
        let mut days: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for (hour, (deferred, all)) in by_hour {
            let e = days.entry(&hour[..5]).or_default();
            e.0 += deferred;
            e.1 += all;
        }
        let rows = days
            .into_iter()
            .map(|(d, (deferred, all))| (d.to_owned(), deferred, all))
            .collect();
        return Some(Deferrals { unit: "day", rows });
    }
    let rows = by_hour
        .iter()
        .map(|(h, (deferred, all))| (h.clone(), *deferred, *all))
        .collect();
    Some(Deferrals { unit: "hour", rows })
}

/// The reasons of results not delivered, largest first, with their most frequent rules.
fn replies(t: &Tally, top: usize) -> Vec<ReplyGroups> {
    let mut reasons: Vec<ReplyGroups> = t
        .replies
        .groups
        .iter()
        .map(|(reason, groups)| {
            let mut groups: Vec<(String, Example)> =
                groups.iter().map(|(m, e)| (m.clone(), e.clone())).collect();
            groups.sort_by(|a, b| b.1.replies.cmp(&a.1.replies).then_with(|| a.0.cmp(&b.0)));
            let replies = groups.iter().map(|(_, e)| e.replies).sum();
            let rest = groups.split_off(groups.len().min(GROUPS_PER_REASON));
            ReplyGroups {
                reason,
                replies,
                groups,
                rest: (!rest.is_empty())
                    .then(|| (rest.len(), rest.iter().map(|(_, e)| e.replies).sum())),
            }
        })
        .collect();
    reasons.sort_by(|a, b| {
        b.replies
            .cmp(&a.replies)
            .then_with(|| a.reason.cmp(b.reason))
    });
    reasons.truncate(top);
    reasons
}

/// Per provider (the `top` largest by results not delivered), its failed or deferred results
/// by reason.
fn reasons_by_provider(t: &Tally, top: usize) -> Vec<(String, Vec<(&'static str, u64)>)> {
    let mut per: BTreeMap<&'static str, Vec<(&'static str, u64)>> = BTreeMap::new();
    for ((provider, reason), n) in &t.failed_by_provider {
        per.entry(provider).or_default().push((reason, *n));
    }
    let mut rows: Vec<(String, Vec<(&'static str, u64)>)> = per
        .into_iter()
        .map(|(p, mut reasons)| {
            reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            (p.to_owned(), reasons)
        })
        .collect();
    let total = |r: &[(&str, u64)]| r.iter().map(|(_, n)| n).sum::<u64>();
    rows.sort_by(|a, b| total(&b.1).cmp(&total(&a.1)).then_with(|| a.0.cmp(&b.0)));
    rows.truncate(top);
    rows
}
