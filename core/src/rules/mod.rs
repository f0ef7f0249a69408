//! The rules: the phrase scan over a reply's text (`scan`), the lexicon of concepts and the
//! word rules over them (`words`), and the decision that weighs codes, phrases, words and the
//! provider into a reason (`decide`). The rules themselves are data, in `core/data/`, compiled
//! into tables by `build.rs`.

mod decide;
pub(crate) mod scan;
pub(crate) mod words;

pub(crate) use decide::{decide, stated_action, Decision, Evidence};
