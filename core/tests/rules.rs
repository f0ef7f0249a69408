//! Every text and provider rule decides the examples written beside it in `data/rules.toml`
//! and `data/providers/*.toml` (the build refuses a rule without one).

use smtpcodes::{Command, Reply};

#[test]
fn every_rule_decides_its_examples() {
    let mut wrong = Vec::new();
    for e in smtpcodes::testing::rule_examples() {
        let (id, reason, code, text, command, host) =
            (e.id, e.reason, e.code, e.text, e.command, e.host);
        let command =
            command.map(|c| Command::recognize(c).unwrap_or_else(|| panic!("{id}: command {c:?}")));
        let reply = Reply::new(text)
            .maybe_code(code)
            .unwrap_or_else(|e| panic!("{id}: {e}"))
            .maybe_command(command)
            .maybe_host(host);
        let decided = smtpcodes::testing::deciding_rule(&reply);
        let c = reply.classify();
        if decided != Some(id) || c.reason.as_str() != reason {
            wrong.push(format!(
                "{id} {text:?}: decided by {decided:?} as {} ({}), expected {reason}",
                c.reason, c.matched
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} examples fail:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
