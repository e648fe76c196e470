//! The little CSV that import and export need (RFC 4180: comma-separated, fields with commas,
//! quotes or line breaks in double quotes, quotes doubled).

/// Splits one line into fields.
pub fn split_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',' | ';' | '\t', false) => fields.push(std::mem::take(&mut field).trim().to_owned()),
            _ => field.push(c),
        }
    }
    fields.push(field.trim().to_owned());
    fields
}

/// One CSV record. A field that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`) is prefixed with `'` (OWASP, "CSV Injection").
pub fn write_row(fields: &[&str]) -> String {
    let mut row = fields
        .iter()
        .map(|f| {
            let safe = if f.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{f}")
            } else {
                (*f).to_owned()
            };
            // Quoted wherever `split_line` would otherwise cut: it splits on `;` and tabs too.
            if safe.contains([',', ';', '\t', '"', '\n', '\r']) {
                format!("\"{}\"", safe.replace('"', "\"\""))
            } else {
                safe
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting() {
        assert_eq!(split_line("example.com"), vec!["example.com"]);
        assert_eq!(
            split_line(" example.com , 1500 ,high"),
            vec!["example.com", "1500", "high"]
        );
        assert_eq!(
            split_line("\"example.com\",\"1,500.00\""),
            vec!["example.com", "1,500.00"]
        );
        assert_eq!(split_line("a;b\tc"), vec!["a", "b", "c"]);
        assert_eq!(split_line("\"say \"\"hi\"\"\",x"), vec!["say \"hi\"", "x"]);
    }

    #[test]
    fn writing_quotes_and_defuses_formulas() {
        assert_eq!(
            write_row(&["example.com", "watching"]),
            "example.com,watching\r\n"
        );
        assert_eq!(
            write_row(&["a,b", "say \"hi\""]),
            "\"a,b\",\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(
            write_row(&["=HYPERLINK(\"x\")", "@SUM(A1)", "-1"]),
            "\"'=HYPERLINK(\"\"x\"\")\",'@SUM(A1),'-1\r\n"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn no_line_makes_the_splitter_panic(line in any::<String>()) {
                let _ = split_line(&line);
            }

            /// What export writes, import reads back field for field (fields as a spreadsheet
            /// keeps them: no line breaks, no surrounding spaces, no formula start).
            #[test]
            fn a_written_row_splits_back_into_its_fields(
                fields in proptest::collection::vec("[A-Za-z0-9][A-Za-z0-9 ,;\t\"'.é-]{0,12}[A-Za-z0-9\"]|[A-Za-z0-9]?", 1..6)
            ) {
                let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
                let row = write_row(&refs);
                prop_assert_eq!(split_line(row.trim_end_matches("\r\n")), fields);
            }
        }
    }
}
