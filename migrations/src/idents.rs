//! Table and column names, shared by every migration.
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Email,
    Name,
    AvatarUrl,
    IsAdmin,
    IsSteward,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
pub enum Identities {
    Table,
    Id,
    UserId,
    Provider,
    Subject,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Domains {
    Table,
    Id,
    Slug,
    Name,
    Description,
    ParentId,
    OwnerTeamId,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Teams {
    Table,
    Id,
    Slug,
    Name,
    Description,
    DomainId,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Memberships {
    Table,
    Id,
    TeamId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum DataProducts {
    Table,
    Id,
    DomainId,
    Slug,
    Name,
    Summary,
    Description,
    Kind,
    Status,
    Version,
    OwnerTeamId,
    SunsetDate,
    ReplacementId,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
pub enum OutputPorts {
    Table,
    Id,
    ProductId,
    Slug,
    Name,
    Description,
    Kind,
    Location,
    Server,
    ApprovalMode,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Tags {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
pub enum ProductTags {
    Table,
    ProductId,
    TagId,
}

#[derive(DeriveIden)]
pub enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    UserAgent,
}

#[derive(DeriveIden)]
pub enum LoginStates {
    Table,
    State,
    Provider,
    PkceVerifier,
    Nonce,
    ReturnTo,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    Prefix,
    TokenHash,
    Scopes,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
pub enum AuditEvents {
    Table,
    Id,
    ActorId,
    Action,
    ObjectType,
    ObjectId,
    Before,
    After,
    Note,
    CreatedAt,
}
