//! The decision: which reason the evidence of a reply (its codes, the phrases and words found,
//! the provider) supports, and the label of what decided it.

use std::borrow::Cow;
use std::cell::OnceCell;

use crate::codes::Enhanced;
use crate::rules::scan::Hits;
use crate::rules::words::{self, Tier, Words};
use crate::tables::{
    self, BasicMapEntry, EnhancedMapEntry, RuleEntry, RULES, RULES_BY_PATTERN, TEXTLESS_RULES,
};
use crate::types::{Action, Command, Reason, Severity};

pub(crate) struct Evidence<'h> {
    pub(crate) code: Option<u16>,
    pub(crate) enhanced: Option<Enhanced>,
    pub(crate) severity: Severity,
    pub(crate) command: Option<Command>,
    pub(crate) provider: Option<usize>,
    pub(crate) hits: &'h Hits,
    pub(crate) words: &'h OnceCell<Words>,
    pub(crate) text: &'h str,
}

impl Evidence<'_> {
    /// The concepts of the reply's words, read on first use.
    fn words(&self) -> &Words {
        self.words.get_or_init(|| words::read(self.text))
    }

    /// The subject of the enhanced code (`7` for `5.7.1`), which some word rules exclude.
    fn subject(&self) -> Option<u16> {
        self.enhanced.map(|e| e.subject)
    }
}

/// With no code anywhere, what the words say of the message decides whether it is retried: a
/// statement of delay ("will keep trying", "try again later") retries; one of permanence
/// ("permanent failure", "will not retry"), a refusal ("message rejected") or a refused
/// permission ("you are not allowed to post") gives up. That something failed ("connection
/// failed") says neither: the reason's own default decides. A delay notice often says both ("could
/// not be delivered yet, will retry"), and then the delay wins, except over a refused
/// permission. `severity` stays `unknown`: it
/// names the code's class, and there is none.
pub(crate) fn stated_action(words: &Words) -> Option<Action> {
    if words.has(words::PERMISSION) {
        // Waiting does not grant a permission ("not allowed to post; ask the owner and try
        // again").
        Some(Action::Bounce)
    } else if words.has(words::TEMPORARY) {
        Some(Action::Retry)
    } else if words.has(words::PERMANENT) || words.has(words::DENY) {
        Some(Action::Bounce)
    } else {
        None
    }
}

/// `words recipient+not_exist "couldn't find that mailbox"`, with what it outranked.
fn word_label(
    rule: &words::WordRule,
    span: (usize, usize),
    over: Option<&'static str>,
    text: &str,
) -> Cow<'static, str> {
    let quoted = text.get(span.0..span.1).unwrap_or("");
    let mut end = quoted.len().min(80);
    while !quoted.is_char_boundary(end) {
        end -= 1;
    }
    let mut label = format!("{} \"{}\"", rule.label, &quoted[..end]);
    if let Some(o) = over {
        label.push_str(" over ");
        label.push_str(o);
    }
    Cow::Owned(label)
}

pub(crate) struct Decision {
    pub(crate) reason: Reason,
    pub(crate) matched: Cow<'static, str>,
    pub(crate) advice: Option<&'static str>,
    /// The index of the rule that decided, if a rule did (for coverage tests).
    pub(crate) rule: Option<usize>,
}

impl Decision {
    fn new(reason: Reason, matched: &'static str) -> Decision {
        Decision {
            reason,
            matched: Cow::Borrowed(matched),
            advice: None,
            rule: None,
        }
    }
}

/// Provider rules, then strong words, then literal text rules, then words that name a
/// failure, then specific codes, then vague words, then what the command implies, then generic
/// codes, then the class digit.
#[allow(
    clippy::too_many_lines,
    reason = "the tiers of evidence are tried here one after another, in the order the contract states, so that the order is read in one place."
)]
pub(crate) fn decide(ev: &Evidence<'_>) -> Decision {
    if matches!(ev.severity, Severity::Success | Severity::Intermediate) {
        let label = ev
            .code
            .and_then(tables::reply_code)
            .map_or(delivered_label(ev), |e| e.label);
        return Decision::new(Reason::Delivered, label);
    }
    let rule = best_rule(ev);
    let enhanced = ev.enhanced.and_then(enhanced_map);
    let basic = ev.code.and_then(|c| basic_map(c, None));
    let basic_cmd = ev
        .code
        .zip(ev.command)
        .and_then(|(c, cmd)| basic_map(c, Some(cmd)));

    let has_code = ev.severity != Severity::Unknown;
    let subject = ev.subject();
    if let Some(d) = strong_words(ev, rule, enhanced) {
        return d;
    }
    if let Some((r, label)) = rule.filter(|(r, _)| !RULES[*r].weak) {
        let entry = &RULES[r];
        let matched = match enhanced {
            // Text beats tables, and says so.
            Some(e) if e.reason != entry.reason && !e.weak => {
                over_label(label, enhanced_label(e, ev))
            }
            _ => Cow::Borrowed(label),
        };
        return Decision {
            reason: entry.reason,
            matched,
            advice: entry.advice,
            rule: Some(r),
        };
    }
    if let Some((w, span)) = ev.words().decide(Tier::Words, has_code, subject) {
        let over = enhanced
            .filter(|e| e.reason != w.reason && !e.weak)
            .map(|e| enhanced_label(e, ev))
            .or_else(|| {
                basic
                    .filter(|b| b.reason != w.reason && !b.weak)
                    .map(|b| b.label)
            });
        return Decision {
            reason: w.reason,
            matched: word_label(w, span, over, ev.text),
            advice: None,
            rule: None,
        };
    }
    if let Some(e) = enhanced.filter(|e| !e.weak) {
        return Decision::new(e.reason, enhanced_label(e, ev));
    }
    if let Some(b) = basic_cmd.filter(|b| !b.weak) {
        return Decision::new(b.reason, b.label);
    }
    if let Some(b) = basic.filter(|b| !b.weak) {
        return Decision::new(b.reason, b.label);
    }
    if let Some((r, label)) = rule {
        let entry = &RULES[r];
        return Decision {
            reason: entry.reason,
            matched: Cow::Borrowed(label),
            advice: entry.advice,
            rule: Some(r),
        };
    }
    if let Some((w, span)) = ev.words().decide(Tier::Vague, has_code, subject) {
        return Decision {
            reason: w.reason,
            matched: word_label(w, span, None, ev.text),
            advice: None,
            rule: None,
        };
    }
    if let Some(b) = basic_cmd {
        return Decision::new(b.reason, b.label);
    }
    if let Some(e) = enhanced {
        return Decision::new(e.reason, enhanced_label(e, ev));
    }
    if let Some(b) = basic {
        return Decision::new(b.reason, b.label);
    }
    Decision::new(Reason::Unknown, class_label(ev.severity))
}

/// Strong words decide unless a provider's own rule holds; `matched` names the text rule or
/// the enhanced code they outranked.
fn strong_words(
    ev: &Evidence<'_>,
    rule: Option<(usize, &'static str)>,
    enhanced: Option<&'static EnhancedMapEntry>,
) -> Option<Decision> {
    if rule.is_some_and(|(r, _)| !RULES[r].weak && RULES[r].provider.is_some()) {
        return None;
    }
    // Without one of the words a strong rule needs, its words need not be read here.
    if let Some(triggers) = tables::STRONG_TRIGGERS {
        if ev.text.is_ascii() && !ev.hits.any(triggers) {
            return None;
        }
    }
    let (w, span) =
        ev.words()
            .decide(Tier::Strong, ev.severity != Severity::Unknown, ev.subject())?;
    let over = rule
        .filter(|(r, _)| !RULES[*r].weak && RULES[*r].reason != w.reason)
        .map(|(_, label)| label)
        .or_else(|| {
            enhanced
                .filter(|e| e.reason != w.reason && !e.weak)
                .map(|e| enhanced_label(e, ev))
        });
    Some(Decision {
        reason: w.reason,
        matched: word_label(w, span, over, ev.text),
        advice: None,
        rule: None,
    })
}

fn delivered_label(ev: &Evidence<'_>) -> &'static str {
    match (ev.code, ev.severity) {
        (None, _) => "enhanced 2.x.x",
        (Some(_), Severity::Intermediate) => "class 3",
        _ => "class 2",
    }
}

fn class_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Transient => "class 4",
        Severity::Permanent => "class 5",
        _ => "no code",
    }
}

fn enhanced_label(e: &EnhancedMapEntry, ev: &Evidence<'_>) -> &'static str {
    match ev.enhanced.map(|x| x.class) {
        Some(2) => e.labels[0],
        Some(4) => e.labels[1],
        _ => e.labels[2],
    }
}

/// The mapping of an enhanced code: a class-specific entry (`5.3.2`) before the general one (`X.3.2`).
fn enhanced_map(e: Enhanced) -> Option<&'static EnhancedMapEntry> {
    tables::enhanced_entry(e.class, e).or_else(|| tables::enhanced_entry(0, e))
}

fn basic_map(code: u16, command: Option<Command>) -> Option<&'static BasicMapEntry> {
    tables::basic_entry(code, command)
}

/// The first rule, in evaluation order, whose conditions all hold; with the label of the
/// pattern (or code) that made it match.
fn best_rule(ev: &Evidence<'_>) -> Option<(usize, &'static str)> {
    let mut best: Option<usize> = None;
    let mut consider = |r: usize| {
        if best.is_none_or(|b| r < b) && rule_holds(&RULES[r], ev) {
            best = Some(r);
        }
    };
    for p in ev.hits.found() {
        for &r in RULES_BY_PATTERN[usize::from(p)] {
            consider(usize::from(r));
        }
    }
    for &r in TEXTLESS_RULES {
        consider(usize::from(r));
    }
    let r = best?;
    Some((r, rule_label(&RULES[r], ev)))
}

fn rule_holds(rule: &RuleEntry, ev: &Evidence<'_>) -> bool {
    if rule.provider.is_some() && rule.provider != ev.provider {
        return false;
    }
    if !rule.any.is_empty() && !ev.hits.any(rule.any) {
        return false;
    }
    if !rule.all.iter().all(|group| ev.hits.any(group)) || ev.hits.any(rule.not) {
        return false;
    }
    if !rule.status.is_empty() && !ev.enhanced.is_some_and(|e| status_matches(rule.status, e)) {
        return false;
    }
    if !rule.codes.is_empty() && !ev.code.is_some_and(|c| rule.codes.contains(&c)) {
        return false;
    }
    rule.commands.is_empty() || ev.command.is_some_and(|c| rule.commands.contains(&c))
}

fn status_matches(statuses: &[(u8, u16, u16)], e: Enhanced) -> bool {
    statuses
        .iter()
        .any(|&(class, s, d)| (class == 0 || class == e.class) && s == e.subject && d == e.detail)
}

fn rule_label(rule: &RuleEntry, ev: &Evidence<'_>) -> &'static str {
    if let Some(i) = rule.any.iter().position(|&p| ev.hits.has(p)) {
        return rule.labels[i];
    }
    if let Some(e) = ev.enhanced {
        if let Some(i) = rule.status.iter().position(|&s| status_matches(&[s], e)) {
            return rule.labels[i];
        }
    }
    let i = ev
        .code
        .and_then(|c| rule.codes.iter().position(|&x| x == c))
        .unwrap_or(0);
    rule.labels
        .get(rule.status.len() + i)
        .or(rule.labels.first())
        .copied()
        .unwrap_or(rule.id)
}

/// `matched` labels of a rule that outranked an enhanced code, by the two labels.
static OVER_LABELS: tables::Interned<(&'static str, &'static str)> = tables::Interned::new();

/// `{label} over {outranked}`.
fn over_label(label: &'static str, outranked: &'static str) -> Cow<'static, str> {
    OVER_LABELS.get((label, outranked), || {
        let mut text = String::with_capacity(label.len() + outranked.len() + 6);
        text.push_str(label);
        text.push_str(" over ");
        text.push_str(outranked);
        text
    })
}
