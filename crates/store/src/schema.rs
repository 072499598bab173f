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
        frame -> Text,
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
