//! Tables, as diesel sees them: the same for SQLite and PostgreSQL
//! (`migrations/sqlite` and `migrations/postgres` differ only in storage details).

// Response store.
diesel::table! {
    surveys (hash) {
        hash -> Text,
        survey_id -> Text,
        version -> Text,
        definition -> Text,
    }
}

diesel::table! {
    waves (id) {
        id -> Text,
        survey_hash -> Text,
        name -> Text,
        status -> Text,
        created_on -> Text,
        opened_on -> Nullable<Text>,
        closed_on -> Nullable<Text>,
        double_entry -> Bool,
        reminder_after_days -> Nullable<Integer>,
        reminder_max_contacts -> Nullable<Integer>,
        results_code -> Nullable<Text>,
    }
}

diesel::table! {
    responses (id) {
        id -> Text,
        wave_id -> Text,
        survey_hash -> Text,
        mode -> Text,
        frame -> Text,
        answers -> Text,
        submitted_week -> Text,
    }
}

diesel::table! {
    wave_counts (wave_id, site, status) {
        wave_id -> Text,
        site -> Text,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Text,
        actor -> Text,
        action -> Text,
        wave_id -> Nullable<Text>,
        detail -> Text,
    }
}

// Identity vault: erased when the wave closes.
diesel::table! {
    contacts (id) {
        id -> Text,
        wave_id -> Text,
        email -> Binary,
        language -> Text,
        /// Legacy clear frame of rows written before migration 000006; empty otherwise.
        frame -> Text,
        channel -> Text,
        /// The site alone, clear for counts; emptied when the patient answers.
        site -> Text,
        /// The frame variables sealed under the key; NULL once the patient answered.
        frame_sealed -> Nullable<Binary>,
    }
}

// Vault: what moves per response, released once per ISO week (status counts, reminder lists).
diesel::table! {
    releases (wave_id, kind) {
        wave_id -> Text,
        kind -> Text,
        week -> Text,
        body -> Binary,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        wave_id -> Text,
        contact_id -> Text,
        token_hash -> Nullable<Binary>,
        token_sealed -> Nullable<Binary>,
        status -> Text,
        expires_on -> Nullable<Text>,
        last_contact_on -> Nullable<Text>,
        contacts_made -> BigInt,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    contact_events (id) {
        id -> Text,
        invitation_id -> Text,
        kind -> Text,
        on_date -> Text,
    }
}

diesel::table! {
    drafts (invitation_id) {
        invitation_id -> Text,
        page -> BigInt,
        answers -> Text,
    }
}

diesel::table! {
    paper_entries (invitation_id, pass) {
        invitation_id -> Text,
        pass -> BigInt,
        entry -> Text,
    }
}

// Response store: counts of paper cleaning and double-entry agreement per item.
diesel::table! {
    paper_counts (wave_id, item, kind) {
        wave_id -> Text,
        item -> Text,
        kind -> Text,
        n -> BigInt,
    }
}

diesel::joinable!(invitations -> contacts (contact_id));
diesel::allow_tables_to_appear_in_same_query!(invitations, contacts);

// Access to the researchers' API.
diesel::table! {
    api_keys (id) {
        id -> Text,
        name -> Text,
        role -> Text,
        key_hash -> Binary,
        created_on -> Text,
        revoked_on -> Nullable<Text>,
    }
}

// Reports co-authored with patient partners, contributions, co-design comments. People are
// named by their key's id (`author_key`, `recorded_by_key`, `answered_by_key`; migration
// 000007), their names looked up in `api_keys` when shown.
diesel::table! {
    reports (id) {
        id -> Text,
        wave_id -> Text,
        title -> Text,
        lang -> Text,
        state -> Text,
        findings -> Text,
        methods -> Text,
        required_researchers -> Integer,
        required_partners -> Integer,
        created_at -> Text,
        published_at -> Nullable<Text>,
    }
}

diesel::table! {
    report_findings (report_id, finding_id) {
        report_id -> Text,
        finding_id -> Text,
    }
}

diesel::table! {
    report_blocks (id) {
        id -> Text,
        report_id -> Text,
        finding_id -> Text,
        kind -> Text,
        author_key -> Text,
        role -> Text,
        text -> Text,
        version -> Integer,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    report_block_versions (block_id, version) {
        block_id -> Text,
        version -> Integer,
        author_key -> Text,
        role -> Text,
        text -> Text,
        at -> Text,
    }
}

diesel::table! {
    report_comments (id) {
        id -> Text,
        block_id -> Text,
        author_key -> Text,
        role -> Text,
        text -> Text,
        at -> Text,
    }
}

diesel::table! {
    report_marks (report_id, finding_id, author_key) {
        report_id -> Text,
        finding_id -> Text,
        author_key -> Text,
        important -> Integer,
        priority -> Nullable<Integer>,
    }
}

diesel::table! {
    report_approvals (report_id, author_key) {
        report_id -> Text,
        author_key -> Text,
        role -> Text,
        at -> Text,
    }
}

diesel::table! {
    contributions (id) {
        id -> Text,
        wave_id -> Text,
        person -> Text,
        role -> Text,
        activity -> Text,
        minutes -> Integer,
        on_date -> Text,
        recorded_by_key -> Text,
    }
}

diesel::table! {
    item_comments (id) {
        id -> Text,
        survey_hash -> Text,
        item_id -> Text,
        author_key -> Text,
        role -> Text,
        text -> Text,
        at -> Text,
        answer -> Nullable<Text>,
        answered_by_key -> Nullable<Text>,
        resolved -> Integer,
    }
}

// Sessions of the web pages, by the SHA-256 of their cookie's id (migration 000008). A
// patient's names its invitation, a data-entry session the questionnaire being keyed (vault
// side, see `VAULT_TABLES`); staff and co-authors' sessions name their key.
diesel::table! {
    sessions (id_hash) {
        id_hash -> Binary,
        kind -> Text,
        invitation_id -> Nullable<Text>,
        key_id -> Nullable<Text>,
        lang -> Nullable<Text>,
        mode -> Nullable<Text>,
        last_seen -> BigInt,
    }
}

// Failed look-ups for rate limits, by an HMAC of who asked, never the address itself.
diesel::table! {
    lookup_failures (id) {
        id -> Text,
        asker_hash -> Binary,
        at -> BigInt,
    }
}

// Secrets every instance shares (the CSRF key, the day's salt of the look-up counters).
diesel::table! {
    service_secrets (name) {
        name -> Text,
        secret -> Binary,
    }
}

// Who runs a periodic job (the reminder scheduler) until when.
diesel::table! {
    leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> BigInt,
    }
}

// Mail-outs asked for and not yet done, one per wave and kind (the scheduler sends them).
diesel::table! {
    mail_queue (wave_id, kind) {
        wave_id -> Text,
        kind -> Text,
        request -> Text,
        after_days -> Nullable<Integer>,
        max_contacts -> Nullable<Integer>,
    }
}

// The sites a hospital key is bound to.
diesel::table! {
    api_key_sites (key_id, site) {
        key_id -> Text,
        site -> Text,
    }
}

// Each site's released results of a wave (suppressed aggregates as vecu-report's JSON).
diesel::table! {
    site_results (wave_id, site) {
        wave_id -> Text,
        site -> Text,
        results_json -> Text,
    }
}

// Co-design proposals on an item of a survey version, and what became of them.
diesel::table! {
    proposals (id) {
        id -> Text,
        survey_hash -> Text,
        item_id -> Text,
        change_json -> Text,
        reason -> Text,
        author_key -> Text,
        role -> Text,
        at -> Text,
        state -> Text,
        decided_by_key -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        decided_at -> Nullable<Text>,
        new_survey_hash -> Nullable<Text>,
    }
}

diesel::table! {
    proposal_comments (id) {
        id -> Text,
        proposal_id -> Text,
        author_key -> Text,
        role -> Text,
        text -> Text,
        at -> Text,
    }
}

// Patients' comments of a closed wave, scrubbed, with their site and question only.
diesel::table! {
    comments (id) {
        id -> Text,
        wave_id -> Text,
        site -> Text,
        item_id -> Text,
        text -> Text,
        flagged_by_key -> Nullable<Text>,
        flag_reason -> Nullable<Text>,
        review -> Nullable<Text>,
        reviewed_by_key -> Nullable<Text>,
    }
}

diesel::table! {
    comment_codes (comment_id, coder_key) {
        comment_id -> Text,
        coder_key -> Text,
        role -> Text,
        themes -> Text,
        tone -> Text,
        at -> Text,
    }
}

diesel::table! {
    coding_themes (wave_id, theme_id, version) {
        wave_id -> Text,
        theme_id -> Text,
        version -> Integer,
        theme_json -> Text,
        position -> Integer,
        retired -> Integer,
        changed_by_key -> Nullable<Text>,
        at -> Text,
    }
}

// Excerpts of comments proposed for reports, with the approvals they need.
diesel::table! {
    quotes (id) {
        id -> Text,
        comment_id -> Text,
        text -> Text,
        lang -> Text,
        proposed_by_key -> Text,
        researcher_key -> Nullable<Text>,
        partner_key -> Nullable<Text>,
    }
}
diesel::joinable!(quotes -> comments (comment_id));
diesel::allow_tables_to_appear_in_same_query!(quotes, comments);

// The code a comment keeps after its coders' disagreement was discussed, and who decided.
diesel::table! {
    comment_settlements (comment_id) {
        comment_id -> Text,
        themes -> Text,
        tone -> Text,
        note -> Text,
        settled_by_key -> Text,
        at -> Text,
    }
}
diesel::joinable!(comment_settlements -> comments (comment_id));
diesel::allow_tables_to_appear_in_same_query!(comment_settlements, comments);
// Each site's language, for its hospital report.
diesel::table! {
    site_languages (site) {
        site -> Text,
        lang -> Text,
    }
}

// Lookup keys of access codes under earlier encryption keys, sealed under the current one.
diesel::table! {
    code_lookup_keys (id) {
        id -> Text,
        sealed -> Binary,
    }
}
