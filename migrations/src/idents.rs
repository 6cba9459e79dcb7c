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
    HasPii,
    SlaAvailability,
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

#[derive(DeriveIden)]
pub enum DataContracts {
    Table,
    Id,
    ProductId,
    OdcsId,
    Name,
    Version,
    Status,
    ApiVersion,
    Document,
    ContentHash,
    Purpose,
    Usage,
    Limitations,
    PriceAmount,
    PriceCurrency,
    PriceUnit,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum ContractObjects {
    Table,
    Id,
    ContractId,
    Position,
    Name,
    PhysicalName,
    PhysicalType,
    LogicalType,
    Description,
    Granularity,
}

#[derive(DeriveIden)]
pub enum ContractProperties {
    Table,
    Id,
    ContractId,
    ObjectId,
    Position,
    Name,
    BusinessName,
    LogicalType,
    PhysicalType,
    Description,
    Required,
    IsUnique,
    PrimaryKey,
    Classification,
    Pii,
    Critical,
    Examples,
}

#[derive(DeriveIden)]
pub enum ContractSla {
    Table,
    Id,
    ContractId,
    Position,
    Property,
    Value,
    ValueExt,
    Unit,
    Element,
    Driver,
    Description,
}

#[derive(DeriveIden)]
pub enum ContractQuality {
    Table,
    Id,
    ContractId,
    Position,
    ObjectName,
    PropertyName,
    RuleType,
    Name,
    Description,
    Metric,
    Operator,
    Threshold,
    Dimension,
    Severity,
    Query,
}

#[derive(DeriveIden)]
pub enum ContractSupport {
    Table,
    Id,
    ContractId,
    Position,
    Channel,
    Url,
    Tool,
    Scope,
    Description,
}

#[derive(DeriveIden)]
pub enum ProductVersions {
    Table,
    Id,
    ProductId,
    Version,
    ChangeSummary,
    Bump,
    Breaking,
    Changes,
    Snapshot,
    PublishedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Subscriptions {
    Table,
    Id,
    PortId,
    ProductId,
    ConsumerTeamId,
    ConsumerProductId,
    RequesterId,
    Purpose,
    AcceptedTerms,
    Status,
    EndDate,
    RenewalUntil,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    ReminderSentAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Body,
    Link,
    ReadAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Webhooks {
    Table,
    Id,
    TeamId,
    Url,
    Secret,
    EventTypes,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    EventId,
    EventType,
    Payload,
    Status,
    Attempts,
    LastStatusCode,
    LastError,
    NextAttemptAt,
    LeaseUntil,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
pub enum Policies {
    Table,
    Id,
    DomainId,
    Key,
    Title,
    Rationale,
    Rule,
    Params,
    Severity,
    Enabled,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Evaluations {
    Table,
    Id,
    ProductId,
    PolicyId,
    Outcome,
    Reason,
    FixHint,
    EvaluatedAt,
}

#[derive(DeriveIden)]
pub enum Waivers {
    Table,
    Id,
    ProductId,
    PolicyId,
    Justification,
    ExpiresOn,
    Status,
    RequestedBy,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum ComplianceSnapshots {
    Table,
    Id,
    DomainId,
    Day,
    Score,
    Products,
    Blockers,
}

#[derive(DeriveIden)]
pub enum QualityRuns {
    Table,
    Id,
    ProductId,
    PortId,
    Source,
    RunId,
    Result,
    Checks,
    Passed,
    Failed,
    ObservedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum SlaMeasurements {
    Table,
    Id,
    ProductId,
    PortId,
    Property,
    Value,
    Unit,
    Met,
    Source,
    ObservedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum SearchDocuments {
    Table,
    ProductId,
    DomainId,
    TeamId,
    Kind,
    Status,
    Name,
    Summary,
    Tags,
    Columns,
    Body,
    HasPii,
    Compliance,
    SlaTier,
    Subscribers,
    PublishedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum SearchMeta {
    Table,
    Id,
    Version,
}

#[derive(DeriveIden)]
pub enum ProductScores {
    Table,
    ProductId,
    DomainId,
    Listed,
    Passed,
    Applicable,
    Blockers,
    Score,
}

#[derive(DeriveIden)]
pub enum DomainPolicyTallies {
    Table,
    DomainId,
    PolicyId,
    Passing,
    Applicable,
}
