//! Partners and their cooperation agreements: a fuller partner profile with its private
//! access link, partners' answers to session requests, agreements with the partners and
//! programs they cover, and the documents attached to them (the files themselves live in
//! the storage layer; rows hold their keys).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        extend_partners(manager).await?;
        add_partner_answers(manager).await?;
        create_agreements(manager).await?;
        create_agreement_links(manager).await?;
        create_agreement_documents(manager).await
    }
}

/// SQLite alters one column per statement.
async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    let mut column = column;
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

async fn extend_partners(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // Contribution codes, comma-separated (`venue,media_coverage`).
    add_column(
        manager,
        Partners::Table,
        string_len(Partners::Offers, 200).default("").to_owned(),
    )
    .await?;
    for column in [Partners::Needs, Partners::Address, Partners::Notes] {
        add_column(
            manager,
            Partners::Table,
            text(column).default("").to_owned(),
        )
        .await?;
    }
    add_column(
        manager,
        Partners::Table,
        string_len_null(Partners::TheirResponsible, 200).to_owned(),
    )
    .await?;
    // Further contacts as a JSON array of {name, position, email, phone}: shown, never queried.
    add_column(
        manager,
        Partners::Table,
        text(Partners::OtherContacts).default("[]").to_owned(),
    )
    .await?;
    // The secret of the partner's private page, made on first use and replaced on reset.
    // SQLite cannot add a UNIQUE column; a unique index does the same.
    add_column(
        manager,
        Partners::Table,
        string_len_null(Partners::AccessToken, 64).to_owned(),
    )
    .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_partners_access_token")
                .table(Partners::Table)
                .col(Partners::AccessToken)
                .unique()
                .to_owned(),
        )
        .await
}

async fn add_partner_answers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // Partners put on a session before partners could answer count as confirmed; new
    // requests start as `requested`, which the service sets.
    add_column(
        manager,
        SessionPartners::Table,
        string_len(SessionPartners::Answer, 16)
            .default("confirmed")
            .to_owned(),
    )
    .await?;
    add_column(
        manager,
        SessionPartners::Table,
        string_len_null(SessionPartners::AnswerNote, 1000).to_owned(),
    )
    .await?;
    add_column(
        manager,
        SessionPartners::Table,
        timestamp_with_time_zone_null(SessionPartners::AnsweredAt).to_owned(),
    )
    .await
}

async fn create_agreements(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Agreements::Table)
                .col(pk_uuid(Agreements::Id))
                .col(string_len(Agreements::Title, 200))
                .col(string_len(Agreements::Form, 16))
                .col(string_len(Agreements::State, 16))
                .col(text(Agreements::Scope))
                .col(text(Agreements::SharedRules))
                // A JSON array of {payer, item, amount_idr}.
                .col(text(Agreements::Costs))
                .col(date(Agreements::StartsOn))
                .col(date_null(Agreements::EndsOn))
                .col(string_len_null(Agreements::AgreedBy, 200))
                .col(date_null(Agreements::AgreedOn))
                .col(uuid_null(Agreements::LibraryResponsibleId))
                .col(string_len_null(Agreements::PartnerResponsible, 200))
                .col(timestamp_with_time_zone(Agreements::CreatedAt))
                .col(timestamp_with_time_zone(Agreements::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Agreements::Table, Agreements::LibraryResponsibleId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_agreements_ends_on")
                .table(Agreements::Table)
                .col(Agreements::EndsOn)
                .to_owned(),
        )
        .await
}

async fn create_agreement_links(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(AgreementPartners::Table)
                .col(uuid(AgreementPartners::AgreementId))
                .col(uuid(AgreementPartners::PartnerId))
                .primary_key(
                    Index::create()
                        .col(AgreementPartners::AgreementId)
                        .col(AgreementPartners::PartnerId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AgreementPartners::Table, AgreementPartners::AgreementId)
                        .to(Agreements::Table, Agreements::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AgreementPartners::Table, AgreementPartners::PartnerId)
                        .to(Partners::Table, Partners::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_agreement_partners_partner")
                .table(AgreementPartners::Table)
                .col(AgreementPartners::PartnerId)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(AgreementPrograms::Table)
                .col(uuid(AgreementPrograms::AgreementId))
                .col(uuid(AgreementPrograms::ProgramId))
                .primary_key(
                    Index::create()
                        .col(AgreementPrograms::AgreementId)
                        .col(AgreementPrograms::ProgramId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AgreementPrograms::Table, AgreementPrograms::AgreementId)
                        .to(Agreements::Table, Agreements::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AgreementPrograms::Table, AgreementPrograms::ProgramId)
                        .to(Programs::Table, Programs::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
}

async fn create_agreement_documents(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(AgreementDocuments::Table)
                .col(pk_uuid(AgreementDocuments::Id))
                .col(uuid(AgreementDocuments::AgreementId))
                .col(string_len(AgreementDocuments::FileName, 255))
                .col(string_len(AgreementDocuments::ContentType, 64))
                .col(big_integer(AgreementDocuments::SizeBytes))
                // The object's key in the storage layer (`agreements/{agreement}/{document}`).
                .col(string_len(AgreementDocuments::StorageKey, 300))
                .col(timestamp_with_time_zone(AgreementDocuments::UploadedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(AgreementDocuments::Table, AgreementDocuments::AgreementId)
                        .to(Agreements::Table, Agreements::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_agreement_documents_agreement")
                .table(AgreementDocuments::Table)
                .col(AgreementDocuments::AgreementId)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden, Clone, Copy)]
enum Partners {
    Table,
    Id,
    AccessToken,
    Offers,
    Needs,
    Address,
    Notes,
    TheirResponsible,
    OtherContacts,
}

#[derive(DeriveIden, Clone, Copy)]
enum SessionPartners {
    Table,
    Answer,
    AnswerNote,
    AnsweredAt,
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
enum Agreements {
    Table,
    Id,
    Title,
    Form,
    State,
    Scope,
    SharedRules,
    Costs,
    StartsOn,
    EndsOn,
    AgreedBy,
    AgreedOn,
    LibraryResponsibleId,
    PartnerResponsible,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AgreementPartners {
    Table,
    AgreementId,
    PartnerId,
}

#[derive(DeriveIden, Clone, Copy)]
enum AgreementPrograms {
    Table,
    AgreementId,
    ProgramId,
}

#[derive(DeriveIden, Clone, Copy)]
enum AgreementDocuments {
    Table,
    Id,
    AgreementId,
    FileName,
    ContentType,
    SizeBytes,
    StorageKey,
    UploadedAt,
}
