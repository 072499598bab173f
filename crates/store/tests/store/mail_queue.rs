//! The mail queue: a mail-out waits in the database, naming no patient, until a round got
//! through it; what it still has to send is the vault's (invitations not mailed, reminders due).

use vecu_store::{Backend, MailOut, Mailing, ReminderSchedule, Role, StoreError};

use crate::helpers::{example, open_wave, TestDb};
use crate::on_both_backends;

on_both_backends!(
    a_queued_mail_out_waits_until_every_message_is_recorded,
    only_researchers_queue_mail_and_closing_drops_the_queue,
);

fn a_queued_mail_out_waits_until_every_message_is_recorded(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 5);
    assert_eq!(store.mail_waiting(None).expect("waiting"), 0);
    store
        .queue_mail_out(&wave, MailOut::Invitations)
        .expect("queued");
    // Queuing issued the tokens: the five invitations are due, and the queue row names the wave
    // and the kind, nothing of a patient.
    let queued = store.queued_mail_outs().expect("queue");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].mail_out, MailOut::Invitations);
    let rows = store.raw_rows("mail_queue").expect("rows");
    assert_eq!(rows.len(), 1);
    let to_mail = store.invitations_to_mail(&wave).expect("to mail");
    assert_eq!(to_mail.len(), 5);
    for row in &rows {
        for issued in &to_mail {
            for value in row {
                assert!(
                    !value.contains(&issued.invitation) && !value.contains(&issued.email),
                    "{row:?}"
                );
            }
        }
    }
    assert_eq!(store.mail_waiting(Some(&wave)).expect("waiting"), 5);
    // Two mailed (a round cut half-way): three wait, and the mail-out stays queued.
    for issued in &to_mail[..2] {
        store
            .record_mailing(&issued.invitation, Mailing::Invitation)
            .expect("recorded");
    }
    assert_eq!(store.mail_waiting(None).expect("waiting"), 3);
    assert_eq!(store.queued_mail_outs().expect("queue"), queued);
    // Asked again meanwhile: still one mail-out, the same three due. The round that read the
    // first request does not take the second off the queue (it may hold patients invited since).
    store
        .queue_mail_out(&wave, MailOut::Invitations)
        .expect("queued again");
    let again = store.queued_mail_outs().expect("queue");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].mail_out, MailOut::Invitations);
    assert_eq!(store.invitations_to_mail(&wave).expect("to mail").len(), 3);
    store.finish_mail_out(&queued[0]).expect("finished");
    assert_eq!(store.queued_mail_outs().expect("queue"), again);
    store.finish_mail_out(&again[0]).expect("finished");
    assert!(store.queued_mail_outs().expect("queue").is_empty());

    // A round of reminders and a schedule on the same wave: a patient due by both counts once.
    store.backdate_contacts(&wave, 14).expect("two weeks later");
    let schedule = ReminderSchedule::new(14, 3).expect("schedule");
    store
        .queue_mail_out(&wave, MailOut::Reminders(schedule))
        .expect("queued");
    store
        .set_reminder_schedule(&wave, Some(ReminderSchedule::new(7, 2).expect("schedule")))
        .expect("scheduled");
    assert_eq!(
        store.mail_waiting(Some(&wave)).expect("waiting"),
        2,
        "the two mailed two weeks ago; the three never mailed are no reminder's"
    );
}

fn only_researchers_queue_mail_and_closing_drops_the_queue(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 3);
    for role in [Role::PatientPartner, Role::DataEntry] {
        let (key, _) = store.create_api_key("someone", role).expect("key");
        let refused = store
            .acting_as(&key)
            .queue_mail_out(&wave, MailOut::Invitations);
        assert!(
            matches!(refused, Err(StoreError::NotAllowed(_))),
            "{role:?}: {refused:?}"
        );
    }
    assert!(store.queued_mail_outs().expect("queue").is_empty());
    let (key, _) = store.create_api_key("Dr R", Role::Researcher).expect("key");
    store
        .acting_as(&key)
        .queue_mail_out(&wave, MailOut::Invitations)
        .expect("queued");
    store.close_wave(&wave).expect("closed");
    assert!(store.queued_mail_outs().expect("queue").is_empty());
    assert!(store.raw_rows("mail_queue").expect("rows").is_empty());
    assert_eq!(store.mail_waiting(None).expect("waiting"), 0);
    let refused = store.queue_mail_out(&wave, MailOut::Invitations);
    assert!(
        matches!(refused, Err(StoreError::WaveState { .. })),
        "{refused:?}"
    );
}
