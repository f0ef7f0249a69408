//! The summary as one self-contained HTML page: inline CSS, inline SVG charts, no script and
//! nothing fetched, so it opens offline and can be mailed or attached to a ticket. Every
//! table carries its numbers in `data-` attributes beside the text shown, for a test (or a
//! script) to read them back.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::report::{example, percent, Counted, Deferrals, ReplyGroups, Shares, Summary, Suppress};

/// Text for HTML: `&`, `<`, `>`, `"` and `'` written as entities.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:72em;\
padding:0 1em;color:#1d232a;background:#fff}\
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.8em 0 .5em;border-bottom:1px solid #dde1e6;\
padding-bottom:.2em}p.totals{font-size:1.05em;margin:.2em 0}p.note{color:#5b6470;margin:.2em 0}\
table{border-collapse:collapse;margin:.3em 0}td,th{padding:.15em .8em .15em 0;text-align:left;\
vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
tr.more td{color:#5b6470;font-style:italic}.grid{display:grid;grid-template-columns:repeat(auto-fit,\
minmax(20em,1fr));gap:0 2em}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}\
td.text{max-width:46em;overflow-wrap:anywhere;color:#3b4450}svg{display:block;margin:.4em 0}\
svg text{font:11px system-ui,sans-serif;fill:#3b4450}.legend span{display:inline-block;margin-right:1em}\
.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em}";

/// Colours for the reasons of the chart, in the order of the legend.
const PALETTE: &[&str] = &[
    "#2f6db5", "#d9822b", "#3a9a5b", "#c23b3b", "#7b5cb8", "#8c6d3f", "#d4589e", "#6b7785",
    "#a8a82a", "#2aa3b3",
];

/// Writes the page.
pub(super) fn write(s: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str("<title>smtpcodes scan</title><style>");
    h.push_str(STYLE);
    h.push_str("</style></head><body>\n<h1>Mail delivery report</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"totals\" id=\"totals\">{}</p>",
        esc(&s.totals)
    );
    let _ = writeln!(
        h,
        "<p class=\"note\" id=\"skipped\">{}</p>",
        esc(&s.skipped)
    );
    for note in &s.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(note));
    }
    if let Some(d) = &s.deferrals {
        let _ = writeln!(
            h,
            "<h2>Deferral rate per {} (the lines' own clock)</h2>",
            d.unit
        );
        deferral_chart(&mut h, &d.rows);
    }
    if !s.reasons_by_provider.is_empty() {
        h.push_str("<h2>Failed or deferred, by provider and reason</h2>\n");
        provider_chart(&mut h, &s.reasons_by_provider);
    }
    h.push_str("<div class=\"grid\">\n");
    for t in [&s.by_reason, &s.by_action, &s.by_fault] {
        counted(&mut h, t);
    }
    h.push_str("</div>\n<div class=\"grid\">\n");
    counted(&mut h, &s.providers);
    counted(&mut h, &s.domains);
    h.push_str("</div>\n");
    shares(&mut h, &s.provider_shares);
    shares(&mut h, &s.domain_shares);
    if let Some(d) = &s.deferrals {
        deferral_table(&mut h, d);
    }
    replies(&mut h, &s.replies);
    suppress(&mut h, &s.suppress);
    if !s.listing.is_empty() {
        h.push_str("<h2>Skipped</h2>\n<table id=\"skipped-list\">\n");
        for line in &s.listing {
            let _ = writeln!(h, "<tr><td class=\"mono\">{}</td></tr>", esc(line.trim()));
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    out.write_all(h.as_bytes())
}

fn deferral_table(h: &mut String, d: &Deferrals) {
    let _ = writeln!(h, "<h2>Deferrals per {}</h2>", d.unit);
    h.push_str("<table id=\"deferrals\"><tr><th></th><th class=\"n\">deferred</th><th class=\"n\">attempts</th><th class=\"n\">share</th></tr>\n");
    for (when, deferred, all) in &d.rows {
        let _ = writeln!(
            h,
            "<tr data-key=\"{w}\" data-deferred=\"{deferred}\" data-n=\"{all}\"><td>{w}</td><td class=\"n\">{deferred}</td><td class=\"n\">{all}</td><td class=\"n\">{:.1}%</td></tr>",
            percent(*deferred, *all),
            w = esc(when),
        );
    }
    h.push_str("</table>\n");
}

fn replies(h: &mut String, replies: &[ReplyGroups]) {
    if replies.is_empty() {
        return;
    }
    h.push_str("<h2>Top replies by reason (failed or deferred, with the rule that decided)</h2>\n");
    h.push_str("<table id=\"replies\"><tr><th>reason</th><th class=\"n\">replies</th><th>rule</th><th>example</th></tr>\n");
    for r in replies {
        for (i, (matched, e)) in r.groups.iter().enumerate() {
            let reason = if i == 0 {
                format!("<td>{}</td><td class=\"n\">{}</td>", r.reason, r.replies)
            } else {
                "<td></td><td></td>".to_owned()
            };
            let _ = writeln!(
                h,
                "<tr data-key=\"{}\" data-n=\"{}\">{reason}<td class=\"mono\">{} ({})</td><td class=\"text\">{}</td></tr>",
                r.reason,
                e.replies,
                esc(matched),
                e.replies,
                esc(&example(e)),
            );
        }
        if let Some((n, replies)) = r.rest {
            let _ = writeln!(
                h,
                "<tr class=\"more\"><td></td><td></td><td>... {n} more rules ({replies})</td><td></td></tr>"
            );
        }
    }
    h.push_str("</table>\n");
}

fn suppress(h: &mut String, suppress: &Suppress) {
    let _ = writeln!(
        h,
        "<h2>Addresses to suppress (<span id=\"suppress-total\">{}</span>)</h2>",
        suppress.total
    );
    h.push_str("<table id=\"suppress\">\n");
    for (address, reason, code) in &suppress.rows {
        let _ = writeln!(
            h,
            "<tr data-key=\"{a}\"><td class=\"mono\">{a}</td><td>{reason}</td><td class=\"mono\">{}</td></tr>",
            esc(code),
            a = esc(address),
        );
    }
    if suppress.total > suppress.rows.len() {
        let _ = writeln!(
            h,
            "<tr class=\"more\"><td colspan=\"3\">... and {} more (all of them: --format csv)</td></tr>",
            suppress.total - suppress.rows.len()
        );
    }
    h.push_str("</table>\n");
}

fn counted(h: &mut String, t: &Counted) {
    let _ = writeln!(
        h,
        "<section><h2>{}</h2><table id=\"{}\" data-all=\"{}\">",
        esc(&t.title),
        t.id,
        t.all
    );
    if t.rows.is_empty() {
        h.push_str("<tr><td>(none)</td></tr>\n");
    }
    for (name, n) in &t.rows {
        let _ = writeln!(
            h,
            "<tr data-key=\"{k}\" data-n=\"{n}\"><td>{k}</td><td class=\"n\">{n}</td><td class=\"n\">{:.1}%</td></tr>",
            t.share(*n),
            k = esc(name),
        );
    }
    if let Some((rows, n)) = t.rest {
        let _ = writeln!(
            h,
            "<tr class=\"more\" data-more=\"{rows}\" data-n=\"{n}\"><td>... {rows} more</td><td class=\"n\">{n}</td><td class=\"n\">{:.1}%</td></tr>",
            t.share(n)
        );
    }
    h.push_str("</table></section>\n");
}

fn shares(h: &mut String, t: &Shares) {
    let _ = writeln!(h, "<h2>{}</h2><table id=\"{}\">", esc(&t.title), t.id);
    if t.rows.is_empty() {
        h.push_str("<tr><td>(none)</td></tr></table>\n");
        return;
    }
    h.push_str("<tr><th></th><th class=\"n\">results</th><th class=\"n\">delivered</th><th class=\"n\">deferred</th><th class=\"n\">bounced</th></tr>\n");
    for (name, o) in &t.rows {
        let all = o.total();
        let _ = writeln!(
            h,
            "<tr data-key=\"{k}\" data-n=\"{all}\" data-delivered=\"{}\" data-deferred=\"{}\" data-bounced=\"{}\"><td>{k}</td><td class=\"n\">{all}</td><td class=\"n\">{:.1}%</td><td class=\"n\">{:.1}%</td><td class=\"n\">{:.1}%</td></tr>",
            o.delivered,
            o.deferred,
            o.bounced,
            percent(o.delivered, all),
            percent(o.deferred, all),
            percent(o.bounced, all),
            k = esc(name),
        );
    }
    if let Some((rows, n)) = t.rest {
        let _ = writeln!(
            h,
            "<tr class=\"more\" data-more=\"{rows}\" data-n=\"{n}\"><td>... {rows} more</td><td class=\"n\">{n}</td><td></td><td></td><td></td></tr>"
        );
    }
    h.push_str("</table>\n");
}

/// Bars of the deferred share per hour (or day), with the counts in each bar's tooltip.
#[allow(
    clippy::cast_precision_loss,
    reason = "positions in pixels, from at most a few hundred rows"
)]
fn deferral_chart(h: &mut String, rows: &[(String, u64, u64)]) {
    let (height, top, bottom, left) = (160.0_f64, 10.0, 34.0, 40.0);
    let bar = (900.0 / rows.len().max(1) as f64).clamp(4.0, 36.0);
    let width = left + bar * rows.len() as f64 + 10.0;
    let most = rows
        .iter()
        .map(|(_, d, a)| percent(*d, *a))
        .fold(0.0_f64, f64::max);
    // The scale's top: the next 10% above the highest bar.
    let scale = ((most / 10.0).ceil() * 10.0).max(10.0);
    let plot = height - top - bottom;
    let _ = writeln!(
        h,
        "<svg id=\"deferral-chart\" role=\"img\" aria-label=\"Deferral rate over time\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\">"
    );
    for step in 0..=2 {
        let v = scale * f64::from(step) / 2.0;
        let y = top + plot - plot * v / scale;
        let _ = writeln!(
            h,
            "<line x1=\"{left}\" x2=\"{:.0}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#dde1e6\"/><text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}%</text>",
            width - 10.0,
            left - 4.0,
            y + 4.0
        );
    }
    let label_every = (rows.len() / 12).max(1);
    for (i, (when, deferred, all)) in rows.iter().enumerate() {
        let share = percent(*deferred, *all);
        let bh = plot * share / scale;
        let x = left + bar * i as f64;
        let _ = writeln!(
            h,
            "<rect class=\"bar\" data-key=\"{w}\" data-deferred=\"{deferred}\" data-n=\"{all}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#d9822b\"><title>{w}: {deferred} of {all} attempts deferred ({share:.1}%)</title></rect>",
            x + 1.0,
            top + plot - bh,
            (bar - 2.0).max(1.0),
            w = esc(when),
        );
        if i % label_every == 0 {
            let _ = writeln!(
                h,
                "<text x=\"{:.1}\" y=\"{:.0}\">{}</text>",
                x + 1.0,
                height - bottom + 14.0,
                esc(&when[when.len().saturating_sub(5)..])
            );
        }
    }
    h.push_str("</svg>\n");
}

/// One stacked bar per provider: its failed or deferred results by reason.
#[allow(clippy::cast_precision_loss, reason = "positions in pixels")]
fn provider_chart(h: &mut String, rows: &[(String, Vec<(&'static str, u64)>)]) {
    // The reasons in the legend: by their total over every provider shown.
    let mut totals: Vec<(&'static str, u64)> = Vec::new();
    for (_, reasons) in rows {
        for (reason, n) in reasons {
            match totals.iter_mut().find(|(r, _)| r == reason) {
                Some(t) => t.1 += n,
                None => totals.push((reason, *n)),
            }
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let colour = |reason: &str| {
        let i = totals.iter().position(|(r, _)| *r == reason).unwrap_or(0);
        PALETTE.get(i).copied().unwrap_or("#9aa3ad")
    };
    let most = rows
        .iter()
        .map(|(_, r)| r.iter().map(|(_, n)| n).sum::<u64>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (label, span, line) = (110.0_f64, 620.0_f64, 22.0_f64);
    let height = line * rows.len() as f64 + 6.0;
    let _ = writeln!(
        h,
        "<svg id=\"provider-chart\" role=\"img\" aria-label=\"Reasons by provider\" width=\"{:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {:.0} {height:.0}\">",
        label + span + 60.0,
        label + span + 60.0
    );
    for (i, (provider, reasons)) in rows.iter().enumerate() {
        let y = line * i as f64 + 3.0;
        let all: u64 = reasons.iter().map(|(_, n)| n).sum();
        let _ = writeln!(
            h,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label - 6.0,
            y + 13.0,
            esc(provider)
        );
        let mut x = label;
        for (reason, n) in reasons {
            let w = span * *n as f64 / most as f64;
            let _ = writeln!(
                h,
                "<rect class=\"segment\" data-provider=\"{p}\" data-reason=\"{reason}\" data-n=\"{n}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"16\" fill=\"{}\"><title>{p}, {reason}: {n}</title></rect>",
                colour(reason),
                p = esc(provider),
            );
            x += w;
        }
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\">{all}</text>",
            x + 4.0,
            y + 13.0
        );
    }
    h.push_str("</svg>\n<p class=\"legend\">");
    for (reason, n) in &totals {
        let _ = write!(
            h,
            "<span><i style=\"background:{}\"></i>{reason} ({n})</span>",
            colour(reason)
        );
    }
    h.push_str("</p>\n");
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn text_from_the_input_cannot_become_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
