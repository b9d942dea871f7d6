//! robots.txt: the rules of the group for this tool (`User-agent: corroborate`), else of
//! `User-agent: *`; the longest matching `Allow` or `Disallow` prefix decides (`*` and a
//! final `$` as Google reads them), an `Allow` winning a tie.

/// The user agents a group names, and its rules.
type Group = (Vec<String>, Vec<(bool, String)>);

/// The rules that apply to this tool on one host. The default allows everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Robots {
    /// (allow, pattern)
    rules: Vec<(bool, String)>,
}

impl Robots {
    /// Rules that refuse every path (a robots.txt that could not be read).
    pub fn disallow_all() -> Robots {
        Robots {
            rules: vec![(false, "/".to_string())],
        }
    }

    pub fn parse(text: &str) -> Robots {
        let text = text.trim_start_matches('\u{feff}');
        // groups: the user agents named, then their rules
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new()));
                        in_agents = true;
                    }
                    if let Some(g) = groups.last_mut() {
                        g.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut() {
                        // an empty Disallow allows everything: no rule
                        if !value.is_empty() {
                            g.1.push((key == "allow", value.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        let named = groups.iter().find(|(agents, _)| {
            agents
                .iter()
                .any(|a| !a.is_empty() && a != "*" && "corroborate".starts_with(a.as_str()))
        });
        let any = groups
            .iter()
            .find(|(agents, _)| agents.iter().any(|a| a == "*"));
        Robots {
            rules: named.or(any).map(|g| g.1.clone()).unwrap_or_default(),
        }
    }

    /// Whether `path` (the URL's path and query, from `/`) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Whether a robots.txt pattern (`*` any run, `$` the end) matches the start of `path`.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if last && anchored {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    !anchored || rest.is_empty() || parts.last().is_some_and(|p| p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tools_own_group_wins_and_the_longest_rule_decides() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /\n\nUser-agent: corroborate\nDisallow: /private/\nAllow: /private/open\nDisallow: /*.pdf$\n",
        );
        assert!(r.allows("/news/a.html"));
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/private/open/y"));
        assert!(!r.allows("/files/report.pdf"));
        assert!(r.allows("/files/report.pdf?x=1"));
        let star = Robots::parse("User-agent: *\nDisallow: /admin\nDisallow:\n");
        assert!(!star.allows("/admin/login"));
        assert!(star.allows("/"));
        assert!(Robots::parse("").allows("/anything"));
        assert!(Robots::parse("User-agent: otherbot\nDisallow: /\n").allows("/x"));
        assert!(!Robots::parse("\u{feff}User-agent: *\nDisallow: /\n").allows("/x"));
        assert!(Robots::parse("User-agent:\nDisallow: /\n").allows("/x"));
        assert!(!Robots::disallow_all().allows("/?page=2"));
    }
}
