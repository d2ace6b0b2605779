//! Endpoint tables of the API docs.
//!
//! Two styles are read:
//!
//! - the official markdown pages: `| Relative URI | Method | Success Code | Description |`,
//!   a `|:---|` separator, then one full row per endpoint;
//! - the help-center text pages: `Relative URI | Method | Success code | Description |`
//!   without a leading pipe, where a row that starts with a method
//!   (`POST | 201 | Create a connection. | |`) continues the previous row's URI.
//!
//! A table ends at a blank line or a line without a `|`.

/// The HTTP methods a table row or a request line may name.
pub const METHODS: [&str; 7] = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// One endpoint row of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The 1-based line number in the document.
    pub line: usize,
    /// The URI as written (a continuation row has its table's previous URI).
    pub uri: String,
    /// The upper-case method.
    pub method: String,
    /// The success code.
    pub success: u16,
    /// The description cell.
    pub description: String,
}

/// One endpoint table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The 1-based line of its header.
    pub line: usize,
    /// Its endpoint rows, in order.
    pub rows: Vec<Row>,
}

/// A line inside an endpoint table that is not a readable endpoint row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The 1-based line number.
    pub line: usize,
    /// Why it was not read.
    pub reason: String,
}

/// Every endpoint table of a document, and the table lines that could not be read.
pub fn parse(text: &str) -> (Vec<Table>, Vec<Skipped>) {
    let mut tables = Vec::new();
    let mut skipped = Vec::new();
    let mut current: Option<Table> = None;
    let mut previous_uri: Option<String> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        let next_is_separator = lines
            .get(index + 1)
            .is_some_and(|next| next.contains('-') && is_separator(next.trim()));
        if is_header(trimmed) {
            tables.extend(current.take());
            current = Some(Table {
                line: number,
                rows: Vec::new(),
            });
            previous_uri = None;
            continue;
        }
        let Some(table) = current.as_mut() else {
            continue;
        };
        // A blank line, prose, or the header of another table ends it.
        if trimmed.is_empty() || !trimmed.contains('|') || next_is_separator {
            tables.extend(current.take());
            continue;
        }
        if is_separator(trimmed) {
            continue;
        }
        match row(trimmed, number, previous_uri.as_deref()) {
            Ok(row) => {
                previous_uri = Some(row.uri.clone());
                table.rows.push(row);
            }
            Err(reason) => skipped.push(Skipped {
                line: number,
                reason,
            }),
        }
    }
    tables.extend(current);
    (tables, skipped)
}

/// The cells of a table line, trimmed; a leading `|` opens no empty cell.
fn cells(line: &str) -> Vec<&str> {
    let line = line.strip_prefix('|').unwrap_or(line);
    line.split('|').map(str::trim).collect()
}

/// `Relative URI | Method | Success Code | ...`, with or without a leading pipe.
fn is_header(line: &str) -> bool {
    if !line.contains('|') {
        return false;
    }
    let cells: Vec<String> = cells(line).iter().map(|c| c.to_lowercase()).collect();
    cells.len() >= 3
        && cells[0] == "relative uri"
        && cells[1] == "method"
        && cells[2].starts_with("success")
}

/// `|:---|:---:|` or `---|---|`.
fn is_separator(line: &str) -> bool {
    line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// A cell quoted for a message, cut to a readable length.
fn quoted(cell: &str) -> String {
    const MAX: usize = 40;
    if cell.chars().count() <= MAX {
        format!("{cell:?}")
    } else {
        let cut: String = cell.chars().take(MAX).collect();
        format!("{:?}...", cut)
    }
}

/// An HTTP method, upper case.
fn is_method(cell: &str) -> bool {
    METHODS.contains(&cell)
}

/// Reads one endpoint row; a row starting with a method continues `previous_uri`.
fn row(line: &str, number: usize, previous_uri: Option<&str>) -> Result<Row, String> {
    let cells = cells(line);
    let (uri, rest) = if is_method(cells[0]) {
        let uri = previous_uri.ok_or_else(|| {
            format!(
                "a continuation row ({}) before any row with a URI",
                cells[0]
            )
        })?;
        (uri.to_string(), &cells[..])
    } else {
        (cells[0].to_string(), &cells[1..])
    };
    if uri.is_empty() {
        return Err("the row has no URI".into());
    }
    let method = rest.first().copied().unwrap_or_default();
    if !is_method(method) {
        return Err(format!("{} is not an HTTP method", quoted(method)));
    }
    let code = rest.get(1).copied().unwrap_or_default();
    let success = code
        .parse::<u16>()
        .ok()
        .filter(|c| (100..600).contains(c))
        .ok_or_else(|| format!("{} is not a status code", quoted(code)))?;
    Ok(Row {
        line: number,
        uri,
        method: method.to_string(),
        success,
        description: rest.get(2).copied().unwrap_or_default().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(text: &str) -> Vec<(String, String, u16)> {
        let (tables, skipped) = parse(text);
        assert!(skipped.is_empty(), "{skipped:?}");
        tables
            .into_iter()
            .flat_map(|t| t.rows)
            .map(|r| (r.method, r.uri, r.success))
            .collect()
    }

    fn triple(method: &str, uri: &str, code: u16) -> (String, String, u16) {
        (method.into(), uri.into(), code)
    }

    #[test]
    fn markdown_tables_with_leading_pipes_and_separators() {
        let text = "\
# Export

| Relative URI| Method | Success Code | Description|
|:-------------------|:-------|:------------:|:------------------------------|
|/exports|GET|200|Get all exports.|
|/exports/{_id}|DELETE|204|Delete a specific export.|
|/exports/:_id/distributed|PUT|200|Update the distributed configuration.|

| Field| Description|
|:------------|:------------|
| **mode**|read-only|
";
        assert_eq!(
            endpoints(text),
            vec![
                triple("GET", "/exports", 200),
                triple("DELETE", "/exports/{_id}", 204),
                triple("PUT", "/exports/:_id/distributed", 200),
            ]
        );
    }

    #[test]
    fn help_center_continuation_rows_inherit_the_previous_uri() {
        let text = "\
Connection API endpoints
Relative URI | Method | Success code | Description |
/connections | GET | 200 | Get all connections. |
POST | 201 | Create a connection. | |
/connections/<_id> | GET | 200 | Get a specific connection. |
PUT | 200 | Update a specific connection. | |
DELETE | 204 | Delete a specific connection. | |
/connections/ping | POST | 200 | Test a virtual connection. |
Connection API examples
GET /v1/connections/554 HTTP/1.1
";
        assert_eq!(
            endpoints(text),
            vec![
                triple("GET", "/connections", 200),
                triple("POST", "/connections", 201),
                triple("GET", "/connections/<_id>", 200),
                triple("PUT", "/connections/<_id>", 200),
                triple("DELETE", "/connections/<_id>", 204),
                triple("POST", "/connections/ping", 200),
            ]
        );
    }

    #[test]
    fn a_new_table_does_not_inherit_the_last_uri_of_the_previous_one() {
        let text = "\
Relative URI | Method | Success code | Description |
/flows | GET | 200 | Get all flows. |
Relative URI | Method | Success code | Description |
POST | 201 | Create a file definition. | |
";
        let (tables, skipped) = parse(text);
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[1].rows, vec![]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].line, 4);
        assert!(
            skipped[0].reason.contains("continuation row"),
            "{skipped:?}"
        );
    }

    #[test]
    fn unreadable_rows_are_reported_with_their_line() {
        let text = "\
| Relative URI | Method | Success Code | Description |
|---|---|---|---|
|/exports|FETCH|200|Not a method.|
|/exports|GET|two hundred|Not a code.|
|/exports|GET|
||GET|200|No URI.|
|/exports|GET|200|Fine.|
";
        let (tables, skipped) = parse(text);
        assert_eq!(tables[0].rows.len(), 1);
        let lines: Vec<usize> = skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        assert!(skipped[0]
            .reason
            .contains("\"FETCH\" is not an HTTP method"));
        assert!(skipped[1]
            .reason
            .contains("\"two hundred\" is not a status code"));
        assert!(skipped[2].reason.contains("\"\" is not a status code"));
        assert!(skipped[3].reason.contains("no URI"));
    }

    #[test]
    fn another_table_right_after_ends_the_endpoint_table() {
        let text = "\
Relative URI | Method | Success Code | Description |
---|---|---|---|
/integrations | GET | 200 | Get all integrations. |
/integrations/{_id}/clone | POST | 201 | Clone a specific integration. |
Field | Description |
---|---|
mode | For the most part this is a read-only field used by the integrator.io UI. |
";
        assert_eq!(
            endpoints(text),
            vec![
                triple("GET", "/integrations", 200),
                triple("POST", "/integrations/{_id}/clone", 201),
            ]
        );
    }

    #[test]
    fn long_cells_are_cut_in_messages() {
        let text = "| Relative URI | Method | Success Code | Description |\n|/x|This is a very long cell that goes on and on and on|200|d|\n";
        let (_, skipped) = parse(text);
        assert_eq!(
            skipped[0].reason,
            "\"This is a very long cell that goes on an\"... is not an HTTP method"
        );
    }

    #[test]
    fn text_without_tables_has_none() {
        let (tables, skipped) = parse("GET /v1/tokenInfo HTTP/1.1\n| a | b |\n");
        assert!(tables.is_empty());
        assert!(skipped.is_empty());
    }
}
