//! The export's codebook as DDI Codebook 2.5 XML, the metadata that data archives take with a
//! deposit: the study (survey title, id, version), the data file (responses, columns) and one
//! `var` per column with its label, question text, universe (who was asked: the skip logic of the
//! question and its section), categories (with "does not apply" and "don't know" marked missing)
//! and format. Texts are in one language, named in `xml:lang`.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::condition::Condition;
use crate::model::{ScoringRole, Survey};
use crate::text::Lang;
use crate::wide::{tick_words, Codebook, Column, ColumnSource, ColumnType};

const NAMESPACE: &str = "ddi:codebook:2_5";
const SCHEMA_LOCATION: &str = "ddi:codebook:2_5 \
    http://www.ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd";

/// What the DDI document describes besides the codebook.
#[derive(Debug, Clone, Copy)]
pub struct DdiFile<'a> {
    /// The data file's name, as deposited beside the XML.
    pub name: &'a str,
    /// Responses (rows) in it.
    pub rows: usize,
}

/// The DDI Codebook 2.5 document of an export of `survey` (columns of `codebook`), in `lang`.
pub fn ddi_codebook(
    survey: &Survey,
    codebook: &Codebook,
    file: DdiFile<'_>,
    lang: &Lang,
) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write(&mut writer, survey, codebook, file, lang);
    String::from_utf8_lossy(&writer.into_inner()).into_owned()
}

fn write(
    w: &mut Writer<Vec<u8>>,
    survey: &Survey,
    codebook: &Codebook,
    file: DdiFile<'_>,
    lang: &Lang,
) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let title = survey.title.get(lang);
    let id = format!("{} {}", survey.id, survey.version);
    w.create_element("codeBook")
        .with_attribute(("xmlns", NAMESPACE))
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .with_attribute(("xsi:schemaLocation", SCHEMA_LOCATION))
        .with_attribute(("version", "2.5"))
        .with_attribute(("xml:lang", lang.as_str()))
        .write_inner_content(|w| {
            w.create_element("docDscr").write_inner_content(|w| {
                w.create_element("citation").write_inner_content(|w| {
                    titles(w, &format!("Codebook: {title}"), None)?;
                    w.create_element("prodStmt").write_inner_content(|w| {
                        w.create_element("software")
                            .with_attribute(("version", env!("CARGO_PKG_VERSION")))
                            .write_text_content(BytesText::new("vecu"))?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
                Ok(())
            })?;
            w.create_element("stdyDscr").write_inner_content(|w| {
                w.create_element("citation").write_inner_content(|w| {
                    titles(w, title, Some(&id))?;
                    if let Some(publisher) = &survey.publisher {
                        w.create_element("prodStmt")
                            .write_inner_content(|w| text(w, "producer", publisher.get(lang)))?;
                    }
                    w.create_element("verStmt")
                        .write_inner_content(|w| text(w, "version", &survey.version))?;
                    Ok(())
                })?;
                if let Some(description) = &survey.description {
                    w.create_element("stdyInfo")
                        .write_inner_content(|w| text(w, "abstract", description.get(lang)))?;
                }
                Ok(())
            })?;
            w.create_element("fileDscr")
                .with_attribute(("ID", "F1"))
                .write_inner_content(|w| {
                    w.create_element("fileTxt").write_inner_content(|w| {
                        text(w, "fileName", file.name)?;
                        w.create_element("dimensns").write_inner_content(|w| {
                            text(w, "caseQnty", &file.rows.to_string())?;
                            text(w, "varQnty", &codebook.columns.len().to_string())
                        })?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            w.create_element("dataDscr").write_inner_content(|w| {
                for (index, column) in codebook.columns.iter().enumerate() {
                    variable(w, survey, column, index, lang)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

fn titles(w: &mut Writer<Vec<u8>>, title: &str, id: Option<&str>) -> io::Result<()> {
    w.create_element("titlStmt").write_inner_content(|w| {
        text(w, "titl", title)?;
        if let Some(id) = id {
            text(w, "IDNo", id)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn text(w: &mut Writer<Vec<u8>>, element: &str, content: &str) -> io::Result<()> {
    w.create_element(element)
        .write_text_content(BytesText::new(content))?;
    Ok(())
}

/// One `var`: label, question, universe, categories, format (the schema's order).
fn variable(
    w: &mut Writer<Vec<u8>>,
    survey: &Survey,
    column: &Column,
    index: usize,
    lang: &Lang,
) -> io::Result<()> {
    let item_id = match &column.source {
        ColumnSource::Item { item, .. }
        | ColumnSource::Option { item, .. }
        | ColumnSource::MatrixRow { item, .. } => Some(item.as_str()),
        ColumnSource::Response | ColumnSource::Frame { .. } => None,
    };
    let item = item_id.and_then(|id| survey.item(id));
    let interval = match column.column_type {
        ColumnType::Integer | ColumnType::Float => "contin",
        _ => "discrete",
    };
    let label = column
        .label
        .as_ref()
        .map_or(column.name.as_str(), |label| label.get(lang));
    w.create_element("var")
        .with_attribute(("ID", format!("V{}", index + 1).as_str()))
        .with_attribute(("name", column.name.as_str()))
        .with_attribute(("files", "F1"))
        .with_attribute(("intrvl", interval))
        .write_inner_content(|w| {
            text(w, "labl", label)?;
            if let Some(item) = item {
                w.create_element("qstn")
                    .write_inner_content(|w| text(w, "qstnLit", item.text.get(lang)))?;
                if let Some(universe) = universe(survey, item_id.unwrap_or_default()) {
                    w.create_element("universe")
                        .with_attribute(("clusion", "I"))
                        .write_text_content(BytesText::new(&universe))?;
                }
            }
            for value in &column.values {
                let mut category = w.create_element("catgry");
                if value.role == Some(ScoringRole::NotApplicable) {
                    category = category.with_attribute(("missing", "Y"));
                }
                category.write_inner_content(|w| {
                    text(w, "catValu", value.code.as_str())?;
                    text(w, "labl", value.label.get(lang))
                })?;
            }
            if column.column_type == ColumnType::Flag {
                for (code, label) in ["0", "1"].into_iter().zip(tick_words(lang)) {
                    w.create_element("catgry").write_inner_content(|w| {
                        text(w, "catValu", code)?;
                        text(w, "labl", label)
                    })?;
                }
            }
            let format = match column.column_type {
                ColumnType::Integer | ColumnType::Float | ColumnType::Flag => "numeric",
                _ => "character",
            };
            w.create_element("varFormat")
                .with_attribute(("type", format))
                .write_empty()?;
            Ok(())
        })?;
    Ok(())
}

/// Who was asked an item: the conditions of its section and its own, in vecu's notation.
fn universe(survey: &Survey, item_id: &str) -> Option<String> {
    let (section, item) = survey
        .items()
        .find(|(_, item)| item.id.as_str() == item_id)?;
    let conditions: Vec<&Condition> = survey.sections[section]
        .show_if
        .iter()
        .chain(item.show_if.iter())
        .collect();
    if conditions.is_empty() {
        return None;
    }
    let shown: Vec<String> = conditions.iter().map(ToString::to_string).collect();
    Some(format!(
        "Respondents for whom {} (vecu skip logic; others were not asked)",
        shown.join(" and ")
    ))
}
