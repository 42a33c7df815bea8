//! A file's bytes as a table of text cells: CSV as French spreadsheets save it (UTF-8 with or
//! without BOM, or Windows-1252; `;` or `,`; quoted fields) or an `.xlsx` workbook (its first
//! sheet). Each row keeps the line number a person sees in their spreadsheet program.

use serde::{Deserialize, Serialize};

/// The most data rows one file may hold (a department's lists fit many times over).
pub const MAX_ROWS: usize = 20_000;

/// A file as text cells: its header row, then its data rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The row's line in the file (the header is line 1 when it is the first line).
    pub line: u32,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell of a column, trimmed; empty when the row is shorter.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.trim())
    }
}

/// Why a file could not be read at all (nothing of it is imported).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileError {
    Empty,
    /// An `.xlsx` that does not open, or a sheet the reader refuses.
    Workbook(String),
    /// A CSV line the reader cannot split (an unclosed quote, say).
    Csv {
        line: u32,
    },
    TooManyRows,
    /// A header names no column: the columns a kind of file must have, missing.
    MissingColumns(Vec<String>),
    /// Two columns with the same meaning.
    DuplicateColumn(String),
}

impl FileError {
    pub fn text(&self, english: bool) -> String {
        match (self, english) {
            (FileError::Empty, false) => {
                "Le fichier est vide : il faut une ligne d'en-têtes puis une ligne par personne.".into()
            }
            (FileError::Empty, true) => "The file is empty: it needs a header row, then one row per person.".into(),
            (FileError::Workbook(why), false) => format!("Le classeur .xlsx ne s'ouvre pas ({why})."),
            (FileError::Workbook(why), true) => format!("The .xlsx workbook does not open ({why})."),
            (FileError::Csv { line }, false) => {
                format!("Ligne {line} : le fichier CSV est mal formé (guillemet non fermé ?).")
            }
            (FileError::Csv { line }, true) => format!("Line {line}: the CSV file is malformed (an unclosed quote?)."),
            (FileError::TooManyRows, false) => format!("Plus de {MAX_ROWS} lignes : découpez le fichier."),
            (FileError::TooManyRows, true) => format!("More than {MAX_ROWS} rows: split the file."),
            (FileError::MissingColumns(cols), false) => {
                format!("Colonnes obligatoires absentes : {}.", cols.join(", "))
            }
            (FileError::MissingColumns(cols), true) => format!("Required columns missing: {}.", cols.join(", ")),
            (FileError::DuplicateColumn(c), false) => format!("La colonne « {c} » apparaît deux fois."),
            (FileError::DuplicateColumn(c), true) => format!("The column “{c}” appears twice."),
        }
    }
}

/// Reads a file: an `.xlsx` workbook when its bytes say so (a zip), else CSV.
pub fn read(bytes: &[u8]) -> Result<Table, FileError> {
    let table = if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes)? } else { read_csv(&decode(bytes))? };
    if table.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    if table.rows.len() > MAX_ROWS {
        return Err(FileError::TooManyRows);
    }
    Ok(table)
}

/// The text of a CSV file: UTF-8 (its BOM dropped) when it is valid UTF-8, else Windows-1252,
/// what French spreadsheet programs write when told "CSV" without "UTF-8".
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The separator of a CSV file: the one of `;`, `,` and tab found most often in its first line,
/// outside quotes (`;` when none is).
pub fn separator(text: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in text.bytes() {
        if !quoted && (b == b'\n' || b == b'\r') {
            break;
        }
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(s, _)| *s == b) {
            c.1 += 1;
        }
    }
    counts.iter().rev().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b';', |(s, _)| *s)
}

fn read_csv(text: &str) -> Result<Table, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Builder::default();
    let mut record = csv::StringRecord::new();
    let bytes = text.as_bytes();
    let (mut counted, mut newlines) = (0, 0);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                return Err(FileError::Csv { line });
            }
        }
        // The line a person sees: newlines before the record's first byte, blank lines skipped.
        let start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX)).min(bytes.len());
        let start = start + bytes[start..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        newlines += bytes[counted..start].iter().filter(|b| **b == b'\n').count();
        counted = start;
        let line = u32::try_from(newlines + 1).unwrap_or(u32::MAX);
        if !table.push(line, record.iter().map(str::to_owned).collect()) {
            break;
        }
    }
    table.finish()
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileError> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<std::io::Cursor<&[u8]>> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| FileError::Workbook(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| FileError::Workbook("aucune feuille".into()))?
        .map_err(|e| FileError::Workbook(e.to_string()))?;
    let first_line = range.start().map_or(1, |(row, _)| row + 1);
    let mut table = Builder::default();
    for (k, cells) in range.rows().enumerate() {
        let line = first_line + u32::try_from(k).unwrap_or(u32::MAX - first_line);
        if !table.push(line, cells.iter().map(cell_text).collect()) {
            break;
        }
    }
    table.finish()
}

/// A table read line by line: blank lines skipped, the first other one is the header.
#[derive(Default)]
struct Builder {
    headers: Option<Vec<String>>,
    rows: Vec<Row>,
}

impl Builder {
    /// Takes a line's cells; `false` once the table holds more rows than allowed.
    fn push(&mut self, line: u32, cells: Vec<String>) -> bool {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return true;
        }
        match self.headers {
            None => self.headers = Some(cells),
            Some(_) => self.rows.push(Row { line, cells }),
        }
        self.rows.len() <= MAX_ROWS
    }

    fn finish(self) -> Result<Table, FileError> {
        Ok(Table { headers: self.headers.ok_or(FileError::Empty)?, rows: self.rows })
    }
}

/// A cell as the person sees it: dates as DD/MM/YYYY, whole numbers without decimals.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => (if *b { "oui" } else { "non" }).into(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{day:02}/{m:02}/{y:04}")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::semicolon("Nom;Prénom\nA;B", b';')]
    #[case::comma("Nom,Prénom\nA,B", b',')]
    #[case::tab("Nom\tPrénom", b'\t')]
    #[case::comma_inside_quotes("\"Nom, usage\";Prénom;Commune", b';')]
    #[case::semicolon_inside_quotes("\"a;b;c\",Nom,Prénom", b',')]
    #[case::one_column("Nom", b';')]
    fn separators(#[case] text: &str, #[case] expected: u8) {
        assert_eq!(separator(text), expected);
    }

    #[rstest]
    #[case::utf8(b"Pr\xC3\xA9nom".as_slice(), "Prénom")]
    #[case::utf8_bom(b"\xEF\xBB\xBFPr\xC3\xA9nom".as_slice(), "Prénom")]
    #[case::windows_1252(b"Pr\xE9nom;C\x9Cur".as_slice(), "Prénom;Cœur")]
    fn encodings(#[case] bytes: &[u8], #[case] expected: &str) {
        assert_eq!(decode(bytes), expected);
    }

    #[test]
    fn quoted_fields_and_line_numbers() {
        let text =
            "Nom;Adresse\r\n\r\nMoineau;\"3 rue des Lilas\nLe Bourg\"\r\n\"Pinson \"\"dit Pépé\"\"\";\"1; place\"\r\n";
        let t = read(text.as_bytes()).unwrap();
        assert_eq!(t.headers, ["Nom", "Adresse"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!((t.rows[0].line, t.rows[0].cell(1)), (3, "3 rue des Lilas\nLe Bourg"));
        assert_eq!((t.rows[1].line, t.rows[1].cell(0), t.rows[1].cell(1)), (5, "Pinson \"dit Pépé\"", "1; place"));
        assert_eq!(t.rows[1].cell(7), "");
    }

    #[rstest]
    #[case::nothing(b"".as_slice())]
    #[case::blank_lines(b"\r\n;;\r\n".as_slice())]
    #[case::bom_only(b"\xEF\xBB\xBF".as_slice())]
    fn empty_files(#[case] bytes: &[u8]) {
        assert_eq!(read(bytes), Err(FileError::Empty));
    }

    /// The CSV reader is lenient: an unclosed quote runs to the end of the file, so the rest
    /// of the file is one cell of one row (which the row checks then refuse, with its line).
    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        let t = read(b"Nom;Commune\nA;B\n\"C;D\nE;F").unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!((t.rows[1].line, t.rows[1].cell(0), t.rows[1].cells.len()), (3, "C;D\nE;F", 1));
    }

    #[test]
    fn too_many_rows() {
        let text = format!("Nom\n{}", "x\n".repeat(MAX_ROWS + 1));
        assert_eq!(read(text.as_bytes()), Err(FileError::TooManyRows));
    }

    #[test]
    fn a_broken_workbook_is_refused() {
        assert!(matches!(read(b"PK\x03\x04 not really a zip"), Err(FileError::Workbook(_))));
    }
}
