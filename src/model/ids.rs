//! Record ids: UUIDv7 kept as text, one type per kind of record so that a user id cannot be
//! passed where a client id is expected. They live here, below the repository and everything
//! else, so that any layer can name a record without importing the layer that stores it.
crate::text_id!(OutreachId);
crate::text_id!(ApprovalId);
crate::text_id!(ReportId);
crate::text_id!(CatchAccountId);
crate::text_id!(CatchCallId);
crate::text_id!(BootstrapId);
crate::text_id!(JobRunId);
crate::text_id!(SnapshotId);
crate::text_id!(ChangeId);
crate::text_id!(CheckErrorId);
crate::text_id!(ClientId);
crate::text_id!(ContactId);
crate::text_id!(OutboxId);
crate::text_id!(OutboxAttemptId);
crate::text_id!(UserId);
crate::text_id!(AuditEventId);
crate::text_id!(SenderProfileId);
crate::text_id!(ApiTokenId);
crate::text_id!(SetupTokenId);
crate::text_id!(BackorderId);
crate::text_id!(BackorderEventId);
crate::text_id!(ChannelId);
crate::text_id!(ProcedureId);
crate::text_id!(ProcedureEventId);
crate::text_id!(DeadlineId);
crate::text_id!(ClosureId);
crate::text_id!(MatterId);
crate::text_id!(MarkId);
crate::text_id!(FindingId);
crate::text_id!(BrandTermId);
crate::text_id!(DecisionId);
