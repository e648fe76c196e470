//! Dispute procedures a firm can run to recover a name (DESIGN.md, "Procedure").

crate::text_enum! {
    /// The kind of a dispute procedure.
    pub enum ProcedureKind ("procedure kind") {
        /// Uniform Domain-Name Dispute-Resolution Policy (gTLDs and adopting ccTLDs).
        Udrp => "udrp",
        /// AFNIC's SYRELI (.fr and overseas TLDs), decided by AFNIC.
        Syreli => "syreli",
        /// AFNIC's PARL EXPERT, decided by a WIPO expert.
        ParlExpert => "parl_expert",
        /// Uniform Rapid Suspension (new gTLDs).
        Urs => "urs",
        /// Nominet Dispute Resolution Service (.uk).
        NominetDrs => "nominet_drs",
        /// CIRA Domain Name Dispute Resolution Policy (.ca).
        CiraCdrp => "cira_cdrp",
        /// .eu alternative dispute resolution (Czech Arbitration Court).
        EuAdr => "eu_adr",
    }
}

impl ProcedureKind {
    pub fn label(self) -> &'static str {
        match self {
            ProcedureKind::Udrp => "UDRP",
            ProcedureKind::Syreli => "SYRELI",
            ProcedureKind::ParlExpert => "PARL EXPERT",
            ProcedureKind::Urs => "URS",
            ProcedureKind::NominetDrs => "Nominet DRS",
            ProcedureKind::CiraCdrp => "CIRA CDRP",
            ProcedureKind::EuAdr => ".eu ADR",
        }
    }
}
