//! Plain form posts for partners and agreements, so staff and partner contacts can work
//! without JavaScript: a partner's profile and private link, agreements and their documents,
//! and a partner's answer to a session request. Each answers 303 back to its page; field
//! errors go back as `?errors=<JSON of the field errors>`, which the page shows by field.

use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Redirect;
use shared::FieldErrors;
use shared::dto::agreements::{AnswerInput, agreement_from_form};
use shared::dto::partners::partner_from_form;
use shared::words::PartnerAnswer;
use uuid::Uuid;

use crate::api::agreements::{check_declared_size, file_part};
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::forms::{Pairs, back, field, with_errors};
use crate::policy::Permission;
use crate::services::agreements::{self, documents};
use crate::services::{cooperation, partners};

/// `POST /staff/partners`: a new partner (the list page's short form); whoever adds it is
/// responsible for it unless the form names someone.
pub async fn create_partner(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let user = staff.require(Permission::ManagePartners)?;
    let page = "/staff/partners";
    let mut input = match partner_from_form(&pairs) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(page, &errors)),
    };
    input.responsible_user_id = input.responsible_user_id.or(Some(user.id));
    match partners::create_partner(&state.db, input, chrono::Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?saved=added"))),
        Err(error) => back(page, error),
    }
}

/// `POST /staff/partners/{slug}`: the whole profile.
pub async fn save_partner(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManagePartners)?;
    let page = format!("/staff/partners/{slug}");
    let partner = partners::find_by_slug(&state.db, &slug).await?;
    let input = match partner_from_form(&pairs) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(&page, &errors)),
    };
    match partners::update_partner(&state.db, partner.id, input, chrono::Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?done=1"))),
        Err(error) => back(&page, error),
    }
}

/// `POST /staff/partners/{slug}/access-link/reset`: a new private link.
pub async fn reset_access(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManagePartners)?;
    let partner = partners::find_by_slug(&state.db, &slug).await?;
    cooperation::reset_access(&state.db, &state.vault, &state.config.base_url, partner.id).await?;
    Ok(Redirect::to(&format!(
        "/staff/partners/{slug}?reset=1#access"
    )))
}

/// `POST /staff/agreements`: records an agreement, then opens its page.
pub async fn create_agreement(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManagePartners)?;
    let page = "/staff/agreements";
    let input = match agreement_from_form(&pairs) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(page, &errors)),
    };
    match agreements::create(&state.db, input, chrono::Utc::now()).await {
        Ok(agreement) => Ok(Redirect::to(&format!(
            "/staff/agreements/{}?done=1",
            agreement.id
        ))),
        Err(error) => back(page, error),
    }
}

/// `POST /staff/agreements/{id}`: changes an agreement.
pub async fn update_agreement(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManagePartners)?;
    let page = format!("/staff/agreements/{id}");
    let input = match agreement_from_form(&pairs) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(&page, &errors)),
    };
    match agreements::update(&state.db, id, input, chrono::Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?done=1"))),
        Err(error) => back(&page, error),
    }
}

/// `POST /staff/agreements/{id}/delete`.
pub async fn delete_agreement(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManagePartners)?;
    agreements::delete(&state.db, &state.storage, id).await?;
    Ok(Redirect::to("/staff/agreements?deleted=1"))
}

/// `POST /staff/agreements/{id}/documents?csrf_token=…` (multipart, field `file`).
pub async fn upload_document(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManagePartners)?;
    let page = format!("/staff/agreements/{id}");
    let outcome = async {
        check_declared_size(&headers)?;
        let (name, bytes) = file_part(multipart).await?;
        documents::attach(
            &state.db,
            &state.storage,
            id,
            &name,
            bytes,
            chrono::Utc::now(),
        )
        .await
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("{page}?attached=1#documents"))),
        Err(error) => back(&page, error),
    }
}

/// `POST /staff/agreements/{id}/documents/{document_id}/delete`.
pub async fn delete_document(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, document_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManagePartners)?;
    documents::remove(&state.db, &state.storage, id, document_id).await?;
    Ok(Redirect::to(&format!("/staff/agreements/{id}#documents")))
}

/// `POST /partner-access/{token}/sessions/{session_id}/answer`: `answer` (`confirmed` or
/// `declined`) and an optional `note`.
pub async fn answer(
    State(state): State<AppState>,
    Path((token, session_id)): Path<(String, Uuid)>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let page = format!("/partner-access/{token}");
    let Some(answer) = field(&pairs, "answer").and_then(PartnerAnswer::parse) else {
        return Ok(with_errors(
            &page,
            &FieldErrors::single("answer", shared::FieldError::NotAllowed),
        ));
    };
    let input = AnswerInput {
        answer,
        note: field(&pairs, "note").map(str::to_owned),
    };
    let now = chrono::Utc::now();
    let base_url = &state.config.base_url;
    match cooperation::answer(&state.db, base_url, &token, session_id, input, now).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "{page}?answered=1#session-{session_id}"
        ))),
        Err(error) => back(&page, error),
    }
}
