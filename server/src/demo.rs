//! Demo data for `siar serve --demo`: seeded only into an empty database, so restarting the
//! demo never duplicates or overwrites anything.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday as ChronoWeekday};
use sea_orm::DatabaseConnection;
use shared::dto::agreements::{AgreementInput, CostShare};
use shared::dto::auth::{CreateUserRequest, Role};
use shared::dto::partners::{PartnerAssignment, PartnerInput};
use shared::dto::programs::{DEFAULT_TZ, ProgramInput};
use shared::dto::schedule::{CancelRequest, SeriesInput, SessionEdit, SessionInput, SessionPage};
use shared::dto::volunteers::{ProgramVolunteering, RoleInput, RoleLine, Skill, VolunteerInput};
use shared::recurrence::{Frequency, MonthlyWeekday, RecurrenceRule, RuleEnd, Weekday};
use shared::words::{
    AgreementForm, AgreementState, Contribution, EditScope, PartnerKind, PartnerRole, ProgramKind,
    ProgramStatus, VideoFormat,
};
use uuid::Uuid;

use crate::error::AppError;
use crate::services;
use crate::services::programs::Audience;
use crate::services::sessions::SessionFilter;

/// A demo staff login, printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Role of the account.
    pub role: Role,
    /// E-mail address.
    pub email: &'static str,
    /// Password.
    pub password: &'static str,
}

/// The demo's staff accounts, one per role.
pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        role: Role::Admin,
        email: "admin@siar.example",
        password: "siar-demo-admin",
    },
    DemoLogin {
        role: Role::Coordinator,
        email: "koordinator@siar.example",
        password: "siar-demo-koordinator",
    },
    DemoLogin {
        role: Role::Viewer,
        email: "pemantau@siar.example",
        password: "siar-demo-pemantau",
    },
    DemoLogin {
        role: Role::Judge,
        email: "juri@siar.example",
        password: "siar-demo-juri",
    },
];

/// Seeds the demo data if the database has no staff yet; says whether it did.
pub async fn seed(db: &DatabaseConnection, base_url: &str) -> anyhow::Result<bool> {
    if services::users::any_exist(db).await? {
        return Ok(false);
    }
    let names = [
        "Admin Perpustakaan",
        "Koordinator Program",
        "Pemantau Program",
        "Juri Lomba",
    ];
    for (login, name) in DEMO_LOGINS.iter().zip(names) {
        let request = CreateUserRequest {
            email: login.email.into(),
            name: name.into(),
            role: Some(login.role),
            password: login.password.into(),
        };
        services::users::create_user(db, request, chrono::Utc::now())
            .await
            .map_err(|e| anyhow::anyhow!("seeding demo account {}: {e}", login.email))?;
    }
    seed_schedule(db, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("seeding demo schedule: {e:?}"))?;
    seed_volunteering(db, base_url, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("seeding demo volunteering: {e:?}"))?;
    seed_contest(db, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("seeding demo contest: {e:?}"))?;
    Ok(true)
}

/// The demo contest's public address is `/contests/{DEMO_CONTEST}`.
pub const DEMO_CONTEST: &str = "lomba-bercerita";

/// The yearly storytelling contest, open for entries, with the demo judge on every category.
async fn seed_contest(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    use shared::dto::contests::{CategoryInput, ContestInput, CriterionInput, JudgeAssignment};
    let program = services::programs::create_program(
        db,
        ProgramInput {
            name: "Lomba Bercerita Anak".into(),
            slug: DEMO_CONTEST.into(),
            kind: ProgramKind::Contest,
            description: "Lomba mendongeng tahunan: kirim video cerita rakyat.".into(),
            cover_image_url: None,
            tz: DEFAULT_TZ.into(),
            default_duration_minutes: 60,
            stream_url: None,
            platform: None,
            place: None,
            status: ProgramStatus::Published,
        },
        now,
    )
    .await?;
    let local_now = (now + Duration::hours(8)).naive_utc();
    let category = |name: &str, min_age, max_age| CategoryInput {
        id: None,
        name: name.into(),
        min_age,
        max_age,
    };
    let criterion = |name: &str, weight| CriterionInput {
        id: None,
        name: name.into(),
        weight,
    };
    let contest = services::contests::create(
        db,
        &ContestInput {
            program_id: program.id,
            rules: "Ceritakan satu cerita rakyat Sulawesi Selatan dalam 3–7 menit. \
                    Rekam dengan ponsel, tanpa penyuntingan berlebihan. Jangan sebut nama \
                    atau sekolah peserta di dalam video."
                .into(),
            opens_at: local_now - Duration::days(1),
            closes_at: local_now + Duration::days(60),
            age_reference_date: (local_now + Duration::days(60)).date(),
            max_video_mib: shared::dto::contests::DEFAULT_MAX_VIDEO_MIB,
            max_video_minutes: 7,
            formats: VideoFormat::ALL.to_vec(),
            entries_per_person: 1,
            categories: vec![
                category("7–9 tahun", 7, 9),
                category("10–12 tahun", 10, 12),
                category("13–15 tahun", 13, 15),
            ],
            criteria: vec![
                criterion("Ekspresi", 3),
                criterion("Vokal", 2),
                criterion("Penguasaan cerita", 3),
                criterion("Kreativitas", 2),
            ],
        },
        now,
    )
    .await?;
    let judges = services::contests::judging::judges(db).await?;
    let assignments: Vec<JudgeAssignment> = judges
        .iter()
        .flat_map(|judge| {
            contest.categories.iter().map(|c| JudgeAssignment {
                user_id: judge.id,
                category_id: c.id,
            })
        })
        .collect();
    services::contests::judging::set_assignments(db, contest.id, &assignments).await?;
    Ok(())
}

/// The demo volunteer: signs in with a link from the mailbox page (`/staff/mailbox`).
pub const DEMO_VOLUNTEER: &str = "ibu.rahma@siar.example";

fn role(name: &str, capacity: u32, skill: Option<Skill>) -> RoleLine {
    RoleLine {
        id: None,
        role: RoleInput {
            name: name.into(),
            capacity,
            skill,
        },
    }
}

/// Volunteer roles on Dongkelor and Dapur Pustaka, and one registered volunteer.
async fn seed_volunteering(
    db: &DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let programs = services::programs::list_programs(db, Audience::Staff, now).await?;
    for program in programs {
        let roles = match program.slug.as_str() {
            "dongkelor" => vec![
                role("Pendongeng", 1, Some(Skill::Storyteller)),
                role("Pembawa acara", 1, Some(Skill::Host)),
                role("Operator siaran", 1, Some(Skill::Camera)),
                role("Moderator obrolan", 2, None),
            ],
            "dapur-pustaka" => vec![
                role("Juru masak", 2, Some(Skill::Cook)),
                role("Pembaca cerita", 1, None),
            ],
            _ => continue,
        };
        services::roles::set_program_settings(
            db,
            program.id,
            ProgramVolunteering {
                signup_cutoff_minutes: 120,
                offer_window_minutes: 720,
                roles,
            },
            base_url,
            now,
        )
        .await?;
    }
    services::volunteers::register(
        db,
        VolunteerInput {
            name: "Ibu Rahma".into(),
            email: DEMO_VOLUNTEER.into(),
            phone: Some("+62 811 4000 123".into()),
            skills: vec![Skill::Cook, Skill::Storyteller],
            lang: shared::Lang::Id,
            partner_id: None,
            password: None,
        },
        true,
        base_url,
        now,
    )
    .await?;
    Ok(())
}

/// One partner of the field study: name, kind, contact, what they bring in words and by kind.
type DemoPartner = (
    &'static str,
    PartnerKind,
    &'static str,
    &'static str,
    &'static [Contribution],
);

/// The four partners of the field study.
const PARTNERS: [DemoPartner; 4] = [
    (
        "Dinas Perpustakaan Provinsi Sulawesi Selatan",
        PartnerKind::Library,
        "Bagian Layanan Anak",
        "Sirkulasi, perpustakaan keliling, referensi, layanan audio-visual, dongeng anak",
        &[Contribution::Resources, Contribution::Skills],
    ),
    (
        "Perpustakaan UIN Alauddin Makassar",
        PartnerKind::University,
        "Kepala Perpustakaan",
        "Pengadaan koleksi bersama dan pengembangan layanan",
        &[Contribution::Resources, Contribution::Venue],
    ),
    (
        "Kampus ITB KALLA",
        PartnerKind::Campus,
        "Bagian Kemahasiswaan",
        "Kegiatan mahasiswa dan mitra bisnis",
        &[Contribution::Volunteers, Contribution::Venue],
    ),
    (
        "Harian FAJAR Makassar",
        PartnerKind::Media,
        "Redaksi",
        "Mitra media: memberitakan program",
        &[Contribution::MediaCoverage],
    ),
];

fn next_weekday(after: NaiveDate, day: ChronoWeekday) -> NaiveDate {
    let mut date = after + Duration::days(1);
    while date.weekday() != day {
        date += Duration::days(1);
    }
    date
}

fn program(
    name: &str,
    slug: &str,
    kind: ProgramKind,
    duration: u32,
    description: &str,
) -> ProgramInput {
    ProgramInput {
        name: name.into(),
        slug: slug.into(),
        kind,
        description: description.into(),
        cover_image_url: None,
        tz: DEFAULT_TZ.into(),
        default_duration_minutes: duration,
        stream_url: Some("https://www.youtube.com/@dispusipmakassar".into()),
        platform: Some("YouTube".into()),
        place: None,
        status: ProgramStatus::Published,
    }
}

/// Dongkelor (weekly, one session cancelled and one moved), Dapur Pustaka (every other
/// Wednesday), Talkshow Duta Baca (first Friday of the month), Dongeng dari Leiden (second
/// Saturday, Europe/Amsterdam), Dongeng Lintas Benua (Sundays at 00:30, America/Havana,
/// whose clocks change at midnight) and the four partners.
async fn seed_schedule(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    let coordinator = services::users::list_users(db)
        .await?
        .into_iter()
        .find(|u| u.role == Role::Coordinator)
        .map(|u| u.id);
    let mut partner_ids = Vec::new();
    for (name, kind, contact, contributes, offers) in PARTNERS {
        let partner = services::partners::create_partner(
            db,
            PartnerInput {
                name: name.into(),
                kind,
                contact_name: Some(contact.into()),
                contact_email: None,
                contact_phone: None,
                responsible_user_id: coordinator,
                contributes: contributes.into(),
                offers: offers.to_vec(),
                needs: String::new(),
                address: "Makassar, Sulawesi Selatan".into(),
                their_responsible: Some(contact.into()),
                other_contacts: vec![],
                notes: String::new(),
            },
            now,
        )
        .await?;
        partner_ids.push(partner.id);
    }
    let today = now.date_naive();
    let at = |date: NaiveDate, hour: u32| date.and_hms_opt(hour, 0, 0).unwrap_or_default();

    let dongkelor = services::programs::create_program(
        db,
        program(
            "Dongkelor",
            "dongkelor",
            ProgramKind::StorytellingBroadcast,
            60,
            "Dongeng keliling: siaran dongeng untuk anak setiap Sabtu pagi.",
        ),
        now,
    )
    .await?;
    let assign = |partner: usize, role| PartnerAssignment {
        partner_id: partner_ids[partner],
        role,
    };
    services::programs::set_program_partners(
        db,
        dongkelor.id,
        vec![
            assign(0, PartnerRole::CoHost),
            assign(3, PartnerRole::MediaPartner),
        ],
        now,
    )
    .await?;
    let first_saturday = next_weekday(today, ChronoWeekday::Sat);
    let series = services::series::create_series(
        db,
        SeriesInput {
            program_id: dongkelor.id,
            start_local: at(first_saturday, 9),
            duration_minutes: 60,
            rule: RecurrenceRule::weekly(&[Weekday::Sa]),
            title: None,
            host: Some("Kak Rina".into()),
        },
        now,
    )
    .await?;
    seed_episodes(db, dongkelor.id, first_saturday, now).await?;
    let upcoming = first_sessions(db, dongkelor.id, series.starts_at).await?;
    if let [_, second, third, ..] = upcoming.items.as_slice() {
        services::sessions::cancel_session(
            db,
            second.id,
            CancelRequest {
                reason: "Pendongeng berhalangan; tayang ulang episode sebelumnya di kanal YouTube."
                    .into(),
            },
            now,
        )
        .await?;
        services::sessions::edit_session(
            db,
            third.id,
            SessionEdit {
                scope: EditScope::This,
                start_local: at(third.start_local.date() + Duration::days(1), 10),
                duration_minutes: 60,
                title: Some("Dongkelor edisi Hari Dongeng".into()),
                host: Some("Kak Rina".into()),
                reset_individual_edits: false,
            },
            now,
        )
        .await?;
    }

    let dapur = services::programs::create_program(
        db,
        program(
            "Dapur Pustaka",
            "dapur-pustaka",
            ProgramKind::CookingShow,
            60,
            "Memasak sambil membaca bersama ibu-ibu relawan baca.",
        ),
        now,
    )
    .await?;
    let mut every_other_wednesday = RecurrenceRule::weekly(&[Weekday::We]);
    every_other_wednesday.interval = 2;
    services::series::create_series(
        db,
        SeriesInput {
            program_id: dapur.id,
            start_local: at(next_weekday(today, ChronoWeekday::Wed), 15),
            duration_minutes: 60,
            rule: every_other_wednesday,
            title: None,
            host: Some("Ibu-ibu relawan baca".into()),
        },
        now,
    )
    .await?;

    let talkshow = services::programs::create_program(
        db,
        program(
            "Talkshow Duta Baca",
            "talkshow-duta-baca",
            ProgramKind::TalkShow,
            90,
            "Gelar wicara bersama Duta Baca Kota Makassar dan tamu dari mitra.",
        ),
        now,
    )
    .await?;
    services::programs::set_program_partners(
        db,
        talkshow.id,
        vec![assign(1, PartnerRole::Guest), assign(2, PartnerRole::Venue)],
        now,
    )
    .await?;
    let first_friday = RecurrenceRule {
        frequency: Frequency::Monthly,
        interval: 1,
        weekdays: Vec::new(),
        monthly_weekday: Some(MonthlyWeekday {
            nth: 1,
            weekday: Weekday::Fr,
        }),
        end: RuleEnd::Never,
    };
    services::series::create_series(
        db,
        SeriesInput {
            program_id: talkshow.id,
            start_local: at(next_weekday(today, ChronoWeekday::Fri), 14),
            duration_minutes: 90,
            rule: first_friday,
            title: None,
            host: Some("Duta Baca Kota Makassar".into()),
        },
        now,
    )
    .await?;

    // Run with Indonesian students abroad, in a zone with daylight saving: the feeds and
    // pages must keep 10:00 in Leiden across the clock changes (17:00 or 16:00 WITA).
    let leiden = services::programs::create_program(
        db,
        ProgramInput {
            tz: "Europe/Amsterdam".into(),
            ..program(
                "Dongeng dari Leiden",
                "dongeng-dari-leiden",
                ProgramKind::StorytellingBroadcast,
                60,
                "Mahasiswa Indonesia di Leiden membacakan cerita rakyat Sulawesi dari koleksi perpustakaan di sana.",
            )
        },
        now,
    )
    .await?;
    let second_saturday = RecurrenceRule {
        frequency: Frequency::Monthly,
        interval: 1,
        weekdays: Vec::new(),
        monthly_weekday: Some(MonthlyWeekday {
            nth: 2,
            weekday: Weekday::Sa,
        }),
        end: RuleEnd::Never,
    };
    services::series::create_series(
        db,
        SeriesInput {
            program_id: leiden.id,
            start_local: at(next_weekday(today, ChronoWeekday::Sat), 10),
            duration_minutes: 60,
            rule: second_saturday,
            title: None,
            host: Some("PPI Leiden".into()),
        },
        now,
    )
    .await?;

    // Sunday 00:30 in Havana is Sunday noon in Makassar. Havana's clocks change at midnight:
    // one Sunday a year 00:30 is skipped and one it comes twice, and feeds and pages must
    // still show one session on each of those days, at the same instant in every client.
    let havana = services::programs::create_program(
        db,
        ProgramInput {
            tz: "America/Havana".into(),
            ..program(
                "Dongeng Lintas Benua",
                "dongeng-lintas-benua",
                ProgramKind::StorytellingBroadcast,
                45,
                "Diaspora Indonesia di Havana membacakan dongeng Nusantara tiap Minggu siang WITA.",
            )
        },
        now,
    )
    .await?;
    services::series::create_series(
        db,
        SeriesInput {
            program_id: havana.id,
            start_local: next_weekday(today, ChronoWeekday::Sun)
                .and_hms_opt(0, 30, 0)
                .unwrap_or_default(),
            duration_minutes: 45,
            rule: RecurrenceRule::weekly(&[Weekday::Su]),
            title: None,
            host: Some("Diaspora Indonesia di Kuba".into()),
        },
        now,
    )
    .await?;
    seed_agreements(db, &partner_ids, dongkelor.id, coordinator, now).await
}

/// A written MoU with the provincial library in force for two years, and an oral agreement
/// with the newspaper that ends in 45 days (so the dashboard's expiry card has something).
async fn seed_agreements(
    db: &DatabaseConnection,
    partner_ids: &[Uuid],
    dongkelor: Uuid,
    coordinator: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = services::agreements::library_today(now);
    let (Some(provincial), Some(newspaper)) = (partner_ids.first(), partner_ids.get(3)) else {
        return Ok(());
    };
    services::agreements::create(
        db,
        AgreementInput {
            title: "Nota kesepahaman layanan dongeng dan literasi anak".into(),
            form: AgreementForm::WrittenMou,
            state: AgreementState::InForce,
            partner_ids: vec![*provincial],
            program_ids: vec![dongkelor],
            scope: "Penyelenggaraan Dongkelor bersama, pertukaran pendongeng dan koleksi anak."
                .into(),
            shared_rules: "Jadwal disepakati tiap bulan; masing-masing pihak menunjuk satu \
                           penanggung jawab; evaluasi tiap triwulan."
                .into(),
            costs: vec![
                CostShare {
                    payer: "Perpustakaan Kota".into(),
                    item: "Kuota internet dan peralatan siaran".into(),
                    amount_idr: Some(3_000_000),
                },
                CostShare {
                    payer: "Perpustakaan Provinsi".into(),
                    item: "Honor pendongeng tamu".into(),
                    amount_idr: Some(2_500_000),
                },
            ],
            starts_on: today - Duration::days(300),
            ends_on: Some(today + Duration::days(430)),
            agreed_by: Some("Kepala dinas kedua pihak".into()),
            agreed_on: Some(today - Duration::days(310)),
            library_responsible_id: coordinator,
            partner_responsible: Some("Kepala Bagian Layanan Anak".into()),
        },
        now,
    )
    .await?;
    services::agreements::create(
        db,
        AgreementInput {
            title: "Liputan Dongkelor di Harian FAJAR".into(),
            form: AgreementForm::Oral,
            state: AgreementState::InForce,
            partner_ids: vec![*newspaper],
            program_ids: vec![dongkelor],
            scope: "FAJAR memuat berita Dongkelor sebulan sekali; perpustakaan mengirim foto \
                    dan jadwal seminggu sebelumnya."
                .into(),
            shared_rules: String::new(),
            costs: vec![],
            starts_on: today - Duration::days(60),
            ends_on: Some(today + Duration::days(45)),
            agreed_by: Some("Redaktur pelaksana".into()),
            agreed_on: Some(today - Duration::days(62)),
            library_responsible_id: coordinator,
            partner_responsible: Some("Redaktur pelaksana".into()),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Books the demo episodes read: title, author, ISBN.
const DEMO_BOOKS: [(&str, &str, Option<&str>); 8] = [
    (
        "Si Kancil dan Buaya",
        "Tim Pustaka Anak",
        Some("9786025260186"),
    ),
    (
        "Putri Tandampalik",
        "Cerita Rakyat Luwu",
        Some("9786021590836"),
    ),
    ("La Dana dan Kerbaunya", "Cerita Rakyat Bugis", None),
    ("Timun Mas", "Dian Kristiani", Some("9786020166131")),
    (
        "Malin Kundang",
        "Cerita Rakyat Minangkabau",
        Some("9786021860915"),
    ),
    ("Keong Mas", "Tim Pustaka Anak", None),
    (
        "Bawang Merah Bawang Putih",
        "Cerita Rakyat Riau",
        Some("9786023909964"),
    ),
    ("Sawerigading Kecil", "Kak Rina", Some("9786020308241")),
];

/// Storytellers of the demo episodes.
const DEMO_STORYTELLERS: [&str; 4] = [
    "Kak Rina",
    "Bunda Rahmawati (Bunda Baca)",
    "Kak Andi, Duta Baca Kota Makassar",
    "Ibu Sitti (Dapur Pustaka)",
];

/// The Saturdays Dongkelor aired before the demo's series: the last sixteen weeks and four
/// weeks a year earlier, each with its recording, a summary, the books and the audience, so
/// the archive has two years and two pages.
async fn seed_episodes(
    db: &DatabaseConnection,
    program_id: Uuid,
    first_saturday: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use shared::dto::episodes::{AudienceNumbers, Book, EpisodeInput};
    let weeks_back = (1..=16).chain(52..=55);
    for (i, weeks) in weeks_back.enumerate() {
        let day = first_saturday - Duration::weeks(weeks);
        let Some(start_local) = day.and_hms_opt(9, 0, 0) else {
            continue;
        };
        let outcome = services::sessions::create_session(
            db,
            SessionInput {
                program_id,
                start_local,
                duration_minutes: 60,
                title: None,
                host: Some("Kak Rina".into()),
            },
            now,
        )
        .await?;
        let book = |k: usize| {
            let (title, author, isbn) = DEMO_BOOKS[k % DEMO_BOOKS.len()];
            Book {
                title: title.into(),
                author: Some(author.into()),
                isbn: isbn.map(Into::into),
            }
        };
        // Every fifth episode was shown on Facebook; the others on YouTube.
        let recording = if i % 5 == 4 {
            format!("https://www.facebook.com/perpustakaanmakassar/videos/10{i:02}4455667788/")
        } else {
            format!(
                "https://www.youtube.com/watch?v=dKlr{i:02}E{:04}",
                1000 + i * 7
            )
        };
        let count = |base: usize, step: usize| u32::try_from(base + (i * step) % 97).ok();
        let input = EpisodeInput {
            recording_url: Some(recording),
            summary: Some(format!(
                "{} membacakan \"{}\" untuk anak-anak, lalu bertanya jawab tentang pesan ceritanya.",
                DEMO_STORYTELLERS[i % DEMO_STORYTELLERS.len()],
                book(i).title,
            )),
            storyteller: Some(DEMO_STORYTELLERS[i % DEMO_STORYTELLERS.len()].into()),
            books: if i % 3 == 0 {
                vec![book(i), book(i + 3)]
            } else {
                vec![book(i)]
            },
            audience: AudienceNumbers {
                viewers: count(240, 37),
                live_peak: count(35, 11),
                comments: count(12, 5),
                in_person: (i % 4 == 0).then_some(25),
            },
        };
        services::episodes::save_episode(db, outcome.session.id, input, now).await?;
    }
    Ok(())
}

async fn first_sessions(
    db: &DatabaseConnection,
    program_id: Uuid,
    from: DateTime<Utc>,
) -> Result<SessionPage, AppError> {
    let filter = SessionFilter {
        from: Some(from),
        program_id: Some(program_id),
        ..SessionFilter::default()
    };
    services::sessions::list_sessions(db, &filter, services::programs::Audience::Staff, 1, 3).await
}
