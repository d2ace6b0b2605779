//! Endpoint inventories in the format of `current-api.tsv`: a header line
//! `method<TAB>path<TAB>success_code<TAB>area<TAB>source<TAB>confidence<TAB>note`, then
//! one endpoint a line. A success code of `?` documents the endpoint without a code.
//! Rows whose confidence is `third-party` are not read: the spec takes such a row only
//! where two independent callers agree (`openapi/README.md` lists the ones left out).

/// The header an inventory starts with (its first three columns).
const HEADER: &str = "method\tpath\tsuccess_code";

/// One endpoint row of an inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based line number.
    pub line: usize,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as written (`/flows/{_id}/run`).
    pub path: String,
    /// The documented success code, when there is one.
    pub success: Option<u16>,
    /// The note column (empty when absent).
    pub note: String,
}

/// A line of the inventory that is not read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    /// 1-based line number.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// The rows of `text` when it is an inventory, else `None`.
pub fn parse(text: &str) -> Option<(Vec<Row>, Vec<Unread>)> {
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next()?;
    if !header.starts_with(HEADER) {
        return None;
    }
    let mut rows = Vec::new();
    let mut unread = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let skip = |reason: String| Unread {
            line: number,
            reason,
        };
        if cols.len() < 3 {
            unread.push(skip(format!("{} columns, 3 at least expected", cols.len())));
            continue;
        }
        if cols.get(5).is_some_and(|c| c.starts_with("third-party")) {
            unread.push(skip(format!(
                "third-party row {} {} (taken only where two independent callers agree)",
                cols[0], cols[1]
            )));
            continue;
        }
        let success = match cols[2] {
            "?" | "" => None,
            code => match code.parse::<u16>() {
                Ok(code) if (100..600).contains(&code) => Some(code),
                _ => {
                    unread.push(skip(format!("success code {code:?} is not a status")));
                    continue;
                }
            },
        };
        if !cols[1].starts_with('/') {
            unread.push(skip(format!("path {:?} does not start with /", cols[1])));
            continue;
        }
        rows.push(Row {
            line: number,
            method: cols[0].to_ascii_uppercase(),
            path: cols[1].to_string(),
            success,
            note: cols.get(6).unwrap_or(&"").to_string(),
        });
    }
    Some((rows, unread))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "method\tpath\tsuccess_code\tarea\tsource\tconfidence\tnote
GET\t/tokenInfo\t200\tmeta\tdocs\tofficial-other\ttoken check
POST\t/jobs/current\t?\tjobs\tai\tofficial-other\t
GET\t/agents\t?\tagents\tcode\tthird-party\t
PUT\t/x\tOK\ta\tb\tofficial-other\t
DELETE
";

    #[test]
    fn reads_official_rows_and_says_why_others_are_not() {
        let (rows, unread) = parse(TEXT).expect("an inventory");
        assert_eq!(
            rows,
            vec![
                Row {
                    line: 2,
                    method: "GET".into(),
                    path: "/tokenInfo".into(),
                    success: Some(200),
                    note: "token check".into()
                },
                Row {
                    line: 3,
                    method: "POST".into(),
                    path: "/jobs/current".into(),
                    success: None,
                    note: String::new()
                },
            ]
        );
        let lines: Vec<usize> = unread.iter().map(|u| u.line).collect();
        assert_eq!(lines, vec![4, 5, 6]);
        assert!(unread[0].reason.contains("third-party row GET /agents"));
        assert!(unread[1].reason.contains("\"OK\" is not a status"));
    }

    #[test]
    fn other_text_is_not_an_inventory() {
        assert!(parse("| Relative URI | Method |").is_none());
        assert!(parse("").is_none());
    }
}
