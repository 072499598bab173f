//! The co-coding pages under `/team`: a wave's comments with their coding forms, flags, and the
//! disagreements to settle. The store decides who may do what; these handlers read the form,
//! call it, and render.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::pages::coding;
use crate::routes::team::{act_at, team_page};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
}

/// A page of the wave's comments, each with its coding form.
#[get("/team/waves/{wave}/comments")]
pub async fn comments_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    wave: web::Path<String>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let wave = wave.into_inner();
    let wanted = wave.clone();
    team_page(
        &request,
        &state,
        "/team/reports",
        move |store, key, lang| {
            Ok((
                store.coding_frame(&wanted)?,
                store.comments_to_code(&key, &wanted)?,
                store.question_texts(&wanted, &lang)?,
            ))
        },
        |member, csrf, (frame, comments, questions)| {
            coding::coding_page(
                &member.lang,
                (&member.key.name, member.key.role),
                csrf,
                (&wave, query.page.unwrap_or(0)),
                (&frame, &questions),
                &comments,
            )
        },
    )
    .await
}

/// The disagreements of a wave, to settle, with the coders' agreement.
#[get("/team/waves/{wave}/comments/disagreements")]
pub async fn disagreements_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    wave: web::Path<String>,
) -> HttpResponse {
    let wave = wave.into_inner();
    let wanted = wave.clone();
    team_page(
        &request,
        &state,
        "/team/reports",
        move |store, key, _| {
            let texts: Vec<(String, String)> = store
                .comments_to_code(&key, &wanted)?
                .into_iter()
                .map(|comment| (comment.id, comment.text))
                .collect();
            Ok((
                store.coding_frame(&wanted)?,
                store.disagreements(&wanted)?,
                texts,
                crate::comment_figures::agreement(&store, &wanted)?,
            ))
        },
        |member, csrf, (frame, pairs, texts, agreement)| {
            coding::disagreements_page(
                &member.lang,
                (&member.key.name, member.key.role),
                csrf,
                &wave,
                &frame,
                (&pairs, &texts),
                &agreement,
            )
        },
    )
    .await
}

/// The form's fields, repeated ones (themes) included, as the browser sent them.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

fn themes(fields: &Fields) -> Vec<String> {
    fields
        .iter()
        .filter(|(key, _)| key == "theme")
        .map(|(_, value)| value.clone())
        .collect()
}

/// Where to go back to: a page of the team's comments pages (never another site), and its
/// anchor.
fn back(fields: &Fields) -> (String, String) {
    let (page, anchor) = field(fields, "back")
        .split_once('#')
        .unwrap_or((field(fields, "back"), ""));
    let safe = page.starts_with("/team/waves/")
        && page
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/?=-_".contains(c));
    let page = if safe { page } else { "/team/reports" };
    (page.to_owned(), anchor.to_owned())
}

/// Saves the member's coding of a comment and goes on to the next one.
#[post("/team/comments/{comment}/code")]
pub async fn code(
    request: HttpRequest,
    state: web::Data<AppState>,
    comment: web::Path<String>,
    form: web::Form<Fields>,
) -> HttpResponse {
    let fields = form.into_inner();
    let (page, anchor) = back(&fields);
    let (themes, tone) = (themes(&fields), field(&fields, "tone").to_owned());
    let comment = comment.into_inner();
    act_at(
        &request,
        state,
        page,
        None,
        field(&fields, "csrf"),
        &anchor,
        move |store, key| store.code_comment(key, &comment, &themes, &tone),
    )
    .await
}

/// Flags a comment that may still identify someone.
#[post("/team/comments/{comment}/flag")]
pub async fn flag(
    request: HttpRequest,
    state: web::Data<AppState>,
    comment: web::Path<String>,
    form: web::Form<Fields>,
) -> HttpResponse {
    let fields = form.into_inner();
    let (page, anchor) = back(&fields);
    let reason = field(&fields, "reason").to_owned();
    let comment = comment.into_inner();
    act_at(
        &request,
        state,
        page,
        None,
        field(&fields, "csrf"),
        &anchor,
        move |store, key| store.flag_comment(key, &comment, &reason),
    )
    .await
}

/// Settles a disagreement.
#[post("/team/comments/{comment}/settlement")]
pub async fn settle(
    request: HttpRequest,
    state: web::Data<AppState>,
    comment: web::Path<String>,
    form: web::Form<Fields>,
) -> HttpResponse {
    let fields = form.into_inner();
    let (page, anchor) = back(&fields);
    let (themes, tone) = (themes(&fields), field(&fields, "tone").to_owned());
    let note = field(&fields, "note").to_owned();
    let comment = comment.into_inner();
    act_at(
        &request,
        state,
        page,
        None,
        field(&fields, "csrf"),
        &anchor,
        move |store, key| store.settle_comment(key, &comment, (&themes, &tone), &note),
    )
    .await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// A researcher opens a closed wave's comments with the shipped coding frame.
#[post("/team/waves/{wave}/comments/open")]
pub async fn open(
    request: HttpRequest,
    state: web::Data<AppState>,
    wave: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let wave = wave.into_inner();
    let page = format!("/team/waves/{wave}/comments");
    act_at(
        &request,
        state,
        page,
        None,
        &form.csrf,
        "comment-1",
        move |store, key| {
            let frame = vecu_survey::CodingFrame::cancer()
                .map_err(|error| vecu_store::StoreError::Corrupt(error.to_string()))?;
            store.open_comments(key, &wave, &frame).map(|_| ())
        },
    )
    .await
}

/// The wave's quote bank.
#[get("/team/waves/{wave}/quotes")]
pub async fn quotes_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    wave: web::Path<String>,
) -> HttpResponse {
    let wave = wave.into_inner();
    let wanted = wave.clone();
    team_page(
        &request,
        &state,
        "/team/reports",
        move |store, _, _| Ok(store.quotes(&wanted, false)?),
        |member, csrf, quotes| {
            coding::quotes_page(
                &member.lang,
                (&member.key.name, member.key.role),
                csrf,
                &wave,
                &quotes,
            )
        },
    )
    .await
}

/// Proposes an excerpt of a comment as a quote, then shows the quote bank.
#[post("/team/comments/{comment}/quotes")]
pub async fn propose_quote(
    request: HttpRequest,
    state: web::Data<AppState>,
    comment: web::Path<String>,
    form: web::Form<Fields>,
) -> HttpResponse {
    let fields = form.into_inner();
    let (page, anchor) = back(&fields);
    let (text, lang) = (
        field(&fields, "text").to_owned(),
        field(&fields, "lang").to_owned(),
    );
    let comment = comment.into_inner();
    act_at(
        &request,
        state,
        page,
        None,
        field(&fields, "csrf"),
        &anchor,
        move |store, key| {
            store
                .propose_quote(key, &comment, (&text, &lang))
                .map(|_| ())
        },
    )
    .await
}

/// Approves a quote for the member's role.
#[post("/team/quotes/{quote}/approve")]
pub async fn approve_quote(
    request: HttpRequest,
    state: web::Data<AppState>,
    quote: web::Path<String>,
    form: web::Form<Fields>,
) -> HttpResponse {
    let fields = form.into_inner();
    let (page, anchor) = back(&fields);
    let quote = quote.into_inner();
    act_at(
        &request,
        state,
        page,
        None,
        field(&fields, "csrf"),
        &anchor,
        move |store, key| store.approve_quote(key, &quote),
    )
    .await
}

/// The wave's coding frame with its history.
#[get("/team/waves/{wave}/coding-frame")]
pub async fn frame_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    wave: web::Path<String>,
) -> HttpResponse {
    let wave = wave.into_inner();
    let wanted = wave.clone();
    team_page(
        &request,
        &state,
        "/team/reports",
        move |store, _, _| Ok((store.coding_frame(&wanted)?, store.theme_history(&wanted)?)),
        |member, csrf, (themes, history)| {
            coding::frame_page(
                &member.lang,
                (&member.key.name, member.key.role),
                csrf,
                &wave,
                (&themes, &history),
            )
        },
    )
    .await
}

/// Adds, changes or retires a theme of the wave's frame.
#[post("/team/waves/{wave}/coding-frame")]
pub async fn edit_theme(
    request: HttpRequest,
    state: web::Data<AppState>,
    wave: web::Path<String>,
    form: web::Form<Fields>,
) -> HttpResponse {
    let fields = form.into_inner();
    let wave = wave.into_inner();
    let page = format!("/team/waves/{wave}/coding-frame");
    let theme = vecu_survey::Theme {
        id: field(&fields, "id").trim().to_owned(),
        label: vecu_survey::FRAME_LANGUAGES
            .iter()
            .map(|tag| {
                let label = field(&fields, &format!("label_{tag}")).trim().to_owned();
                ((*tag).to_owned(), label)
            })
            .collect(),
        description: Default::default(),
        examples: Vec::new(),
    };
    let retire = !field(&fields, "retire").is_empty();
    act_at(
        &request,
        state,
        page,
        None,
        field(&fields, "csrf"),
        "",
        move |store, key| store.edit_theme(key, &wave, &theme, retire).map(|_| ()),
    )
    .await
}
