//! The storytelling contest: a contest per `contest` program with its age categories and
//! judging rubric, entries (entrant, guardian and consents), resumable video uploads stored
//! as segments in the storage layer, judges' category assignments, declared conflicts,
//! and scores.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_contests(manager).await?;
        create_categories_and_criteria(manager).await?;
        create_entries(manager).await?;
        create_uploads(manager).await?;
        create_judging(manager).await
    }
}

fn cascade(
    from: impl IntoIden,
    column: impl IntoIden,
    to: impl IntoIden,
    to_column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, column)
        .to(to, to_column)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: &[DynIden],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(column.clone());
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement.to_owned()).await
}

async fn create_contests(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Contests::Table)
                .col(pk_uuid(Contests::Id))
                .col(uuid_uniq(Contests::ProgramId))
                .col(text(Contests::Rules))
                .col(timestamp_with_time_zone(Contests::OpensAt))
                .col(timestamp_with_time_zone(Contests::ClosesAt))
                // Ages are counted on this day (often the closing day).
                .col(date(Contests::AgeReferenceDate))
                .col(big_integer(Contests::MaxVideoBytes))
                .col(integer(Contests::MaxVideoMinutes))
                // Accepted containers, comma-separated (`mp4,webm,mov`).
                .col(string_len(Contests::Formats, 40))
                .col(integer(Contests::EntriesPerPerson))
                .col(timestamp_with_time_zone_null(Contests::ResultsPublishedAt))
                .col(timestamp_with_time_zone(Contests::CreatedAt))
                .col(timestamp_with_time_zone(Contests::UpdatedAt))
                .foreign_key(&mut cascade(
                    Contests::Table,
                    Contests::ProgramId,
                    Programs::Table,
                    Programs::Id,
                ))
                .to_owned(),
        )
        .await
}

async fn create_categories_and_criteria(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ContestCategories::Table)
                .col(pk_uuid(ContestCategories::Id))
                .col(uuid(ContestCategories::ContestId))
                .col(string_len(ContestCategories::Name, 100))
                .col(integer(ContestCategories::MinAge))
                .col(integer(ContestCategories::MaxAge))
                .col(integer(ContestCategories::Position))
                .foreign_key(&mut cascade(
                    ContestCategories::Table,
                    ContestCategories::ContestId,
                    Contests::Table,
                    Contests::Id,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_contest_categories_contest",
        ContestCategories::Table,
        &[ContestCategories::ContestId.into_iden()],
        false,
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(ContestCriteria::Table)
                .col(pk_uuid(ContestCriteria::Id))
                .col(uuid(ContestCriteria::ContestId))
                .col(string_len(ContestCriteria::Name, 100))
                .col(integer(ContestCriteria::Weight))
                .col(integer(ContestCriteria::Position))
                .foreign_key(&mut cascade(
                    ContestCriteria::Table,
                    ContestCriteria::ContestId,
                    Contests::Table,
                    Contests::Id,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_contest_criteria_contest",
        ContestCriteria::Table,
        &[ContestCriteria::ContestId.into_iden()],
        false,
    )
    .await
}

async fn create_entries(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ContestEntries::Table)
                .col(pk_uuid(ContestEntries::Id))
                .col(uuid(ContestEntries::ContestId))
                .col(uuid(ContestEntries::CategoryId))
                // Shown to judges instead of any name; numbered per contest.
                .col(integer(ContestEntries::Number))
                // The secret of the entrant's private page (and of their uploads).
                .col(string_len_uniq(ContestEntries::AccessToken, 64))
                .col(string_len(ContestEntries::EntrantName, 200))
                .col(date(ContestEntries::BirthDate))
                .col(string_len(ContestEntries::School, 200))
                .col(string_len(ContestEntries::City, 100))
                // Who sends the entry and gets the mail (the entrant, or their guardian).
                .col(string_len(ContestEntries::ContactEmail, 254))
                .col(string_len_null(ContestEntries::ContactPhone, 40))
                .col(string_len_null(ContestEntries::GuardianName, 200))
                .col(timestamp_with_time_zone(ContestEntries::RulesConsentAt))
                .col(timestamp_with_time_zone_null(
                    ContestEntries::PublicationConsentAt,
                ))
                .col(string_len(ContestEntries::Title, 200))
                .col(text(ContestEntries::Description))
                .col(string_len(ContestEntries::Lang, 2))
                // pending | eligible | ineligible
                .col(string_len(ContestEntries::Review, 16))
                .col(text_null(ContestEntries::ReviewReason))
                .col(timestamp_with_time_zone_null(ContestEntries::ReviewedAt))
                .col(uuid_null(ContestEntries::VideoUploadId))
                .col(timestamp_with_time_zone_null(
                    ContestEntries::VideoReceivedAt,
                ))
                .col(timestamp_with_time_zone(ContestEntries::CreatedAt))
                .foreign_key(&mut cascade(
                    ContestEntries::Table,
                    ContestEntries::ContestId,
                    Contests::Table,
                    Contests::Id,
                ))
                .foreign_key(&mut cascade(
                    ContestEntries::Table,
                    ContestEntries::CategoryId,
                    ContestCategories::Table,
                    ContestCategories::Id,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_contest_entries_number",
        ContestEntries::Table,
        &[
            ContestEntries::ContestId.into_iden(),
            ContestEntries::Number.into_iden(),
        ],
        true,
    )
    .await?;
    index(
        manager,
        "idx_contest_entries_contact",
        ContestEntries::Table,
        &[
            ContestEntries::ContestId.into_iden(),
            ContestEntries::ContactEmail.into_iden(),
        ],
        false,
    )
    .await
}

async fn create_uploads(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Uploads::Table)
                .col(pk_uuid(Uploads::Id))
                .col(uuid(Uploads::EntryId))
                .col(big_integer(Uploads::Length))
                // Bytes stored so far: the tus `Upload-Offset`.
                .col(big_integer(Uploads::Received))
                // The container read from the first bytes (`mp4`, `mov`, `webm`).
                .col(string_len_null(Uploads::Container, 8))
                .col(string_len(Uploads::FileName, 255))
                .col(timestamp_with_time_zone(Uploads::CreatedAt))
                .col(timestamp_with_time_zone(Uploads::UpdatedAt))
                .col(timestamp_with_time_zone_null(Uploads::CompletedAt))
                .foreign_key(&mut cascade(
                    Uploads::Table,
                    Uploads::EntryId,
                    ContestEntries::Table,
                    ContestEntries::Id,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_uploads_entry",
        Uploads::Table,
        &[Uploads::EntryId.into_iden()],
        false,
    )
    .await?;
    // One object per PATCH request; the file is their concatenation in `start` order.
    manager
        .create_table(
            Table::create()
                .table(UploadSegments::Table)
                .col(uuid(UploadSegments::UploadId))
                .col(big_integer(UploadSegments::Start))
                .col(big_integer(UploadSegments::Length))
                .col(string_len(UploadSegments::StorageKey, 300))
                .primary_key(
                    Index::create()
                        .col(UploadSegments::UploadId)
                        .col(UploadSegments::Start),
                )
                .foreign_key(&mut cascade(
                    UploadSegments::Table,
                    UploadSegments::UploadId,
                    Uploads::Table,
                    Uploads::Id,
                ))
                .to_owned(),
        )
        .await
}

async fn create_judging(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(JudgeAssignments::Table)
                .col(uuid(JudgeAssignments::UserId))
                .col(uuid(JudgeAssignments::CategoryId))
                .primary_key(
                    Index::create()
                        .col(JudgeAssignments::UserId)
                        .col(JudgeAssignments::CategoryId),
                )
                .foreign_key(&mut cascade(
                    JudgeAssignments::Table,
                    JudgeAssignments::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .foreign_key(&mut cascade(
                    JudgeAssignments::Table,
                    JudgeAssignments::CategoryId,
                    ContestCategories::Table,
                    ContestCategories::Id,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(JudgeConflicts::Table)
                .col(uuid(JudgeConflicts::UserId))
                .col(uuid(JudgeConflicts::EntryId))
                .col(text(JudgeConflicts::Note))
                .col(timestamp_with_time_zone(JudgeConflicts::DeclaredAt))
                .primary_key(
                    Index::create()
                        .col(JudgeConflicts::UserId)
                        .col(JudgeConflicts::EntryId),
                )
                .foreign_key(&mut cascade(
                    JudgeConflicts::Table,
                    JudgeConflicts::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .foreign_key(&mut cascade(
                    JudgeConflicts::Table,
                    JudgeConflicts::EntryId,
                    ContestEntries::Table,
                    ContestEntries::Id,
                ))
                .to_owned(),
        )
        .await?;
    // One judge's review of one entry: a score per criterion (JSON {criterion_id: 1..10})
    // and a comment; complete when every criterion has a score.
    manager
        .create_table(
            Table::create()
                .table(JudgeReviews::Table)
                .col(uuid(JudgeReviews::UserId))
                .col(uuid(JudgeReviews::EntryId))
                .col(text(JudgeReviews::Scores))
                .col(text(JudgeReviews::Comment))
                .col(timestamp_with_time_zone(JudgeReviews::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(JudgeReviews::UserId)
                        .col(JudgeReviews::EntryId),
                )
                .foreign_key(&mut cascade(
                    JudgeReviews::Table,
                    JudgeReviews::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .foreign_key(&mut cascade(
                    JudgeReviews::Table,
                    JudgeReviews::EntryId,
                    ContestEntries::Table,
                    ContestEntries::Id,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_judge_reviews_entry",
        JudgeReviews::Table,
        &[JudgeReviews::EntryId.into_iden()],
        false,
    )
    .await
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Programs {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Contests {
    Table,
    Id,
    ProgramId,
    Rules,
    OpensAt,
    ClosesAt,
    AgeReferenceDate,
    MaxVideoBytes,
    MaxVideoMinutes,
    Formats,
    EntriesPerPerson,
    ResultsPublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ContestCategories {
    Table,
    Id,
    ContestId,
    Name,
    MinAge,
    MaxAge,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum ContestCriteria {
    Table,
    Id,
    ContestId,
    Name,
    Weight,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum ContestEntries {
    Table,
    Id,
    ContestId,
    CategoryId,
    Number,
    AccessToken,
    EntrantName,
    BirthDate,
    School,
    City,
    ContactEmail,
    ContactPhone,
    GuardianName,
    RulesConsentAt,
    PublicationConsentAt,
    Title,
    Description,
    Lang,
    Review,
    ReviewReason,
    ReviewedAt,
    VideoUploadId,
    VideoReceivedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Uploads {
    Table,
    Id,
    EntryId,
    Length,
    Received,
    Container,
    FileName,
    CreatedAt,
    UpdatedAt,
    CompletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UploadSegments {
    Table,
    UploadId,
    Start,
    Length,
    StorageKey,
}

#[derive(DeriveIden, Clone, Copy)]
enum JudgeAssignments {
    Table,
    UserId,
    CategoryId,
}

#[derive(DeriveIden, Clone, Copy)]
enum JudgeConflicts {
    Table,
    UserId,
    EntryId,
    Note,
    DeclaredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum JudgeReviews {
    Table,
    UserId,
    EntryId,
    Scores,
    Comment,
    UpdatedAt,
}
