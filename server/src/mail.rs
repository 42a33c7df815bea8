//! E-mail: a small SMTP client (RFC 5321) for alerts, and the alerts themselves — a new concern
//! to the scope's ambassadors, an unacknowledged one to the coordinators after a delay.
//!
//! The client speaks plain SMTP to a relay that accepts this server's mail without
//! authentication: the host's own mail server (Postfix, OpenSMTPD) on localhost, which queues
//! and sends onwards with TLS. It does not speak TLS itself (no TLS stack in the build).
//!
//! Alerts carry no personal data — the kind of concern, the day of the visit, the scope, a
//! link — since e-mail is neither encrypted at rest nor under the app's access rules; the
//! details are in the app, behind a login.

use monalisa_app::backend::{ConcernAlert, DeclineAlert, Store, StoreError};
use monalisa_app::domain::{Date, Timestamp};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long one conversation with the relay may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Concerns older than this are not announced any more (e.g. after turning alerts on).
const ANNOUNCE_WINDOW_MS: i64 = 7 * 86_400_000;

#[derive(Clone, Debug)]
pub struct SmtpSettings {
    /// `host:port` of the relay.
    pub relay: String,
    /// The sender address.
    pub from: String,
    /// The name this server gives in `EHLO`.
    pub hello: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// Unique per message, without the angle brackets.
    pub message_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail relay unreachable: {0}")]
    Io(#[from] std::io::Error),
    #[error("mail relay did not answer in time")]
    Timeout,
    #[error("mail relay refused {step}: {reply}")]
    Refused { step: &'static str, reply: String },
    #[error("invalid address")]
    Address,
}

/// Whether an address is plausible and safe to put in an SMTP command and a header.
pub fn valid_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else { return false };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && address.len() <= 254
        && address.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')' | '\\'))
}

/// `Sun, 29 Nov 2026 06:40:00 +0000` (RFC 5322).
fn rfc5322_date(at: Timestamp) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let day = Date::from_timestamp(at);
    let (y, m, d) = day.ymd();
    let secs = at.0.rem_euclid(86_400_000) / 1000;
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} +0000",
        DAYS[usize::from(day.weekday().index())],
        MONTHS[(m - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The message as sent: headers, then the body in base64 (UTF-8 text passes any relay).
pub fn render(mail: &Mail, from: &str, at: Timestamp) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let body = b64.encode(mail.body.replace('\n', "\r\n"));
    let lines: Vec<&str> = body.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    format!(
        "From: Monalisa Visites <{from}>\r\nTo: {}\r\nSubject: =?UTF-8?B?{}?=\r\nDate: {}\r\nMessage-ID: <{}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\
         Auto-Submitted: auto-generated\r\n\r\n{}\r\n",
        mail.to.join(", "),
        b64.encode(&mail.subject),
        rfc5322_date(at),
        mail.message_id,
        lines.join("\r\n")
    )
}

struct Conversation {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
}

impl Conversation {
    /// Reads one reply (all its lines); refuses anything but the expected class (2xx or 3xx).
    async fn expect(&mut self, step: &'static str, class: u8) -> Result<(), MailError> {
        let mut reply = String::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).await? == 0 {
                return Err(MailError::Refused { step, reply: "connection closed".into() });
            }
            reply.push_str(&line);
            // "250-..." continues, "250 ..." (or a bare "250") ends the reply.
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                break;
            }
        }
        if reply.as_bytes().first() == Some(&(b'0' + class)) {
            Ok(())
        } else {
            Err(MailError::Refused { step, reply: reply.trim_end().chars().take(200).collect() })
        }
    }

    async fn command(&mut self, step: &'static str, line: &str, class: u8) -> Result<(), MailError> {
        self.writer.write_all(format!("{line}\r\n").as_bytes()).await?;
        self.expect(step, class).await
    }
}

/// Sends one message through the relay.
pub async fn send(settings: &SmtpSettings, mail: &Mail, at: Timestamp) -> Result<(), MailError> {
    if !valid_address(&settings.from) || mail.to.is_empty() || !mail.to.iter().all(|a| valid_address(a)) {
        return Err(MailError::Address);
    }
    let talk = async {
        let (read, writer) = TcpStream::connect(&settings.relay).await?.into_split();
        let mut c = Conversation { reader: BufReader::new(read), writer };
        c.expect("greeting", 2).await?;
        c.command("EHLO", &format!("EHLO {}", settings.hello), 2).await?;
        c.command("MAIL FROM", &format!("MAIL FROM:<{}>", settings.from), 2).await?;
        for to in &mail.to {
            c.command("RCPT TO", &format!("RCPT TO:<{to}>"), 2).await?;
        }
        c.command("DATA", "DATA", 3).await?;
        // Dot-stuffing: a line starting with "." gets another (base64 never does; headers might).
        let text = render(mail, &settings.from, at).replace("\r\n.", "\r\n..");
        c.writer.write_all(text.as_bytes()).await?;
        c.command("message", ".", 2).await?;
        // The message is accepted; a failed goodbye changes nothing.
        let _ = c.command("QUIT", "QUIT", 2).await;
        Ok(())
    };
    tokio::time::timeout(SMTP_TIMEOUT, talk).await.map_err(|_| MailError::Timeout)?
}

/// Settings of the concern alerts.
#[derive(Clone, Debug)]
pub struct AlertSettings {
    pub smtp: SmtpSettings,
    /// An open concern nobody took in hand after this long goes to the coordinators.
    pub escalate_after: Duration,
    /// The server's public address, for links.
    pub public_url: String,
}

/// What one round of alerts did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlertRound {
    /// New concerns and declined visits told to their scope's ambassadors.
    pub announced: usize,
    pub escalated: usize,
    pub failed: usize,
}

fn alert_mail(settings: &AlertSettings, alert: &ConcernAlert, escalation: bool) -> Mail {
    use monalisa_app::i18n::Lang;
    let kind = monalisa_app::i18n::concern_label(Lang::Fr, alert.kind).to_lowercase();
    let (y, m, d) = alert.day.ymd();
    let link = format!("{}/signalements", settings.public_url.trim_end_matches('/'));
    let (subject, body) = if escalation {
        let hours = settings.escalate_after.as_secs() / 3600;
        (
            format!("[Monalisa] Signalement sans prise en charge depuis {hours} h — {}", alert.scope_name),
            format!(
                "Bonjour,\n\nUn signalement ({kind}) fait lors d'une visite du {d:02}/{m:02}/{y}, secteur {}, \
                 n'a été pris en charge par personne depuis plus de {hours} heures.\n\n\
                 Merci de voir avec l'ambassadeur du secteur. Le détail est dans Monalisa Visites \
                 (page « Signalements » de l'ambassadeur) : {link}\n\n\
                 Ce message ne contient volontairement aucun nom.\n-- \nMonalisa Visites (message automatique)\n",
                alert.scope_name
            ),
        )
    } else {
        (
            format!("[Monalisa] Nouveau signalement : {kind} — {}", alert.scope_name),
            format!(
                "Bonjour,\n\nUn bénévole a fait un signalement ({kind}) lors d'une visite du {d:02}/{m:02}/{y}, \
                 secteur {}.\n\nPour le voir et le prendre en charge : {link}\n\n\
                 Ce message ne contient volontairement aucun nom.\n-- \nMonalisa Visites (message automatique)\n",
                alert.scope_name
            ),
        )
    };
    let step = if escalation { "escalade" } else { "nouveau" };
    let message_id = format!("{}.{}.{step}@monalisa-visites", alert.report.as_str(), alert.kind.code());
    Mail { to: alert.to.clone(), subject, body, message_id }
}

fn decline_mail(settings: &AlertSettings, alert: &DeclineAlert) -> Mail {
    let (y, m, d) = alert.day.ymd();
    let link = format!("{}/planification", settings.public_url.trim_end_matches('/'));
    Mail {
        to: alert.to.clone(),
        subject: format!("[Monalisa] Visite déclinée — {}", alert.scope_name),
        body: format!(
            "Bonjour,\n\nUn bénévole ne peut pas faire une visite prévue le {d:02}/{m:02}/{y}, secteur {}. \
             Elle est retirée de sa tournée : la personne est à planifier à nouveau.\n\n\
             La raison donnée et la visite sont sur la page « Planifier la semaine » : {link}\n\n\
             Ce message ne contient volontairement aucun nom.\n-- \nMonalisa Visites (message automatique)\n",
            alert.scope_name
        ),
        message_id: format!("{}.declin@monalisa-visites", alert.decline),
    }
}

/// One round: announces new concerns and declined visits, escalates the overdue concerns. An alert is recorded as sent
/// only once the relay accepted it; a failure is retried at the next round.
pub async fn alert_round(
    store: &dyn Store,
    settings: &AlertSettings,
    now: Timestamp,
) -> Result<AlertRound, StoreError> {
    let mut round = AlertRound::default();
    let delay = i64::try_from(settings.escalate_after.as_millis()).unwrap_or(i64::MAX);
    let batches = [
        (false, store.concerns_to_announce(Timestamp(now.0 - ANNOUNCE_WINDOW_MS)).await?),
        (true, store.concerns_to_escalate(Timestamp(now.0.saturating_sub(delay))).await?),
    ];
    for (escalation, alerts) in batches {
        for alert in alerts {
            match send(&settings.smtp, &alert_mail(settings, &alert, escalation), now).await {
                Ok(()) => {
                    store.mark_concern_alerted(&alert.report, alert.kind, escalation, now).await?;
                    if escalation {
                        round.escalated += 1;
                    } else {
                        round.announced += 1;
                    }
                }
                Err(e) => {
                    round.failed += 1;
                    tracing::warn!(error = %e, escalation, "concern alert not sent; retried at the next round");
                }
            }
        }
    }
    // Declined visits, counted as announcements.
    for alert in store.declines_to_announce(Timestamp(now.0 - ANNOUNCE_WINDOW_MS)).await? {
        match send(&settings.smtp, &decline_mail(settings, &alert), now).await {
            Ok(()) => {
                store.mark_decline_alerted(&alert.decline, now).await?;
                round.announced += 1;
            }
            Err(e) => {
                round.failed += 1;
                tracing::warn!(error = %e, "declined-visit alert not sent; retried at the next round");
            }
        }
    }
    Ok(round)
}

/// The lease the alert rounds run under: one server process at a time sends.
pub const LEASE: &str = "concern-alerts";

/// Runs [`alert_round`] every `every` until the process stops, in the one server process that
/// holds the alerts' lease (another takes over when its holder dies).
pub fn spawn_alerts(store: std::sync::Arc<dyn Store>, settings: AlertSettings, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.hold_lease(LEASE).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "concern alerts: lease unavailable");
                    continue;
                }
            }
            let now = Timestamp(monalisa_app::backend::now_ms());
            match alert_round(store.as_ref(), &settings, now).await {
                Ok(r) if r != AlertRound::default() => {
                    tracing::info!(
                        announced = r.announced,
                        escalated = r.escalated,
                        failed = r.failed,
                        "concern alerts"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "concern alerts: storage failure"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(valid_address("ambassadeur@civraisien.fr"));
        assert!(valid_address("monalisa-visites@localhost"));
        for bad in ["", "x", "a@", "@b.fr", "a@.fr", "a@b.fr>", "a b@c.fr", "a@b.fr\r\nRCPT TO:<x@y.fr", "é@b.fr"] {
            assert!(!valid_address(bad), "{bad:?}");
        }
    }

    #[test]
    fn dates_and_rendering() {
        // 2026-11-29 06:40:05 UTC.
        let at = Timestamp(1_795_934_405_000);
        assert_eq!(rfc5322_date(at), "Sun, 29 Nov 2026 06:40:05 +0000");
        let mail = Mail {
            to: vec!["a@b.fr".into(), "c@d.fr".into()],
            subject: "Nouveau signalement : chute".into(),
            body: "Ligne 1\n.Ligne 2 élevée".into(),
            message_id: "x@y".into(),
        };
        let text = render(&mail, "monalisa@b.fr", at);
        assert!(text.contains("To: a@b.fr, c@d.fr\r\n"));
        assert!(text.contains("Subject: =?UTF-8?B?Tm91dmVhdSBzaWduYWxlbWVudCA6IGNodXRl?=\r\n"));
        assert!(text.lines().all(|l| l.len() <= 998));
        use base64::Engine;
        let body = text.split("\r\n\r\n").nth(1).unwrap().replace("\r\n", "");
        let decoded = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "Ligne 1\r\n.Ligne 2 élevée");
    }
}
