//! French texts (the reference language).
use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "Monalisa Visites",
        Msg::SkipToContent => "Aller au contenu",
        Msg::NavTerritory => "Le territoire",
        Msg::SwitchLanguage => "English",
        Msg::SwitchLanguageLabel => "Read this page in English",
        Msg::TerritoryTitle => "Le territoire du Civraisien en Poitou",
        Msg::ColumnCommune => "Commune",
        Msg::ColumnInsee => "Code INSEE",
        Msg::ColumnPopulation => "Population",
        Msg::ColumnArea => "Superficie (km²)",
        Msg::ColumnDensity => "Densité (hab./km²)",
        Msg::TotalRow => "Territoire",
        Msg::CommuneCount => "{n} communes",
        Msg::Loading => "Chargement…",
        Msg::LoadFailed => "Impossible de charger ces données pour le moment.",
        Msg::DeviceTitle => "Cet appareil",
        Msg::DeviceIntro => {
            "Vérifiez que ce téléphone peut garder vos comptes rendus hors connexion \
            et joindre le serveur quand il y a du réseau."
        }
        Msg::DeviceCheckButton => "Vérifier cet appareil",
        Msg::DeviceWaitingForApp => "L'application se prépare…",
        Msg::DeviceStorageOk => "Stockage sur l'appareil : il fonctionne.",
        Msg::DeviceStorageFailed => "Stockage sur l'appareil : il ne fonctionne pas (navigation privée ?).",
        Msg::DeviceCheckCount => "Vérifications enregistrées sur cet appareil : {n}",
        Msg::DeviceServerOk => "Serveur : joignable.",
        Msg::DeviceServerUnreachable => {
            "Serveur : injoignable pour le moment. Ce n'est pas grave : \
            ce qui est noté reste sur l'appareil jusqu'au retour du réseau."
        }
        Msg::DeviceReady => "Application prête.",
        Msg::VersionLabel => "Version",
        Msg::NotFoundTitle => "Page introuvable",
        Msg::NavHome => "Accueil",
        Msg::NavLogin => "Se connecter",
        Msg::NavAccounts => "Comptes",
        Msg::NavJournal => "Journal",
        Msg::NavSetup => "Territoire",
        Msg::NavImport => "Importer un fichier",
        Msg::Logout => "Se déconnecter",
        Msg::LoggedInAs => "Connecté·e : {name}",
        Msg::ErrNetwork => "Pas de réseau pour le moment. Réessayez quand le téléphone capte.",
        Msg::ErrNotLoggedIn => "Vous n'êtes pas connecté·e.",
        Msg::ErrDeviceRevoked => "Cet appareil a été retiré de votre compte.",
        Msg::ErrAccountDisabled => "Ce compte est désactivé. Contactez votre ambassadeur.",
        Msg::ErrForbidden => "Vous n'avez pas accès à cette page.",
        Msg::ErrNotFound => "Introuvable.",
        Msg::ErrInvalidCredentials => "Identifiant ou mot de passe incorrect.",
        Msg::ErrLinkInvalid => {
            "Ce lien n'est plus valable (expiré ou déjà utilisé). Demandez-en un nouveau à votre ambassadeur."
        }
        Msg::ErrTooManyAttempts => {
            "Trop de tentatives de connexion. Réessayez dans {n} minutes, ou demandez un lien de connexion à votre ambassadeur."
        }
        Msg::ErrRequired => "à remplir",
        Msg::ErrTooShort => "trop court",
        Msg::ErrTooLong => "trop long",
        Msg::ErrTaken => "déjà utilisé",
        Msg::ErrMismatch => "les deux saisies sont différentes",
        Msg::ErrFormat => "lettres, chiffres, point ou tiret seulement",
        Msg::ErrInvalid => "valeur non valable",
        Msg::ErrConflict => "Cette modification n'est plus possible : la page a changé entre-temps.",
        Msg::ErrUnavailable => "Le service est momentanément indisponible. Réessayez dans un instant.",
        Msg::FieldLogin => "Identifiant",
        Msg::FieldPassword => "Mot de passe",
        Msg::FieldPasswordRepeat => "Mot de passe (encore une fois)",
        Msg::FieldDisplayName => "Nom affiché",
        Msg::FieldPerson => "Personne",
        Msg::FieldRole => "Rôle",
        Msg::FieldOther => "Champ",
        Msg::LoginTitle => "Se connecter",
        Msg::LoginIntro => {
            "Connectez-vous une fois avec le réseau : ensuite l'application s'ouvre même sans réseau, pendant des semaines."
        }
        Msg::LoginButton => "Se connecter",
        Msg::LoginForgot => {
            "Mot de passe oublié ? Votre ambassadeur peut vous donner un lien pour en choisir un nouveau."
        }
        Msg::LoginRevoked => {
            "Cet appareil a été retiré de votre compte : les données qu'il gardait ont été effacées. Vous pouvez vous reconnecter."
        }
        Msg::LoginLoggedOut => "Vous êtes déconnecté·e. Les données de cet appareil ont été effacées.",
        Msg::SessionExpired => {
            "Votre session a expiré. Reconnectez-vous pour envoyer vos comptes rendus : rien de ce que vous avez noté n'est perdu."
        }
        Msg::EnrolTitle => "Choisir mon mot de passe",
        Msg::EnrolWelcome => {
            "Bienvenue {name} ! Votre identifiant est « {login} ». Choisissez un mot de passe facile à retenir pour vous, d'au moins 8 caractères."
        }
        Msg::EnrolReset => {
            "Bonjour {name}. Votre identifiant est « {login} ». Choisissez un nouveau mot de passe, d'au moins 8 caractères."
        }
        Msg::EnrolButton => "Enregistrer et me connecter",
        Msg::EnrolChecking => "Vérification du lien…",
        Msg::EnrolNoToken => {
            "Ce lien est incomplet. Scannez à nouveau le code ou demandez un nouveau lien à votre ambassadeur."
        }
        Msg::HomeTitle => "Accueil",
        Msg::HomeHello => "Bonjour {name}.",
        Msg::HomeVolunteer => "Votre tournée de la semaine est dans « Ma tournée », même sans réseau.",
        Msg::HomeAmbassador => {
            "Inscrivez et suivez les personnes de votre secteur, gérez les bénévoles, planifiez et publiez les tournées, suivez les signalements."
        }
        Msg::HomeCoordinator => {
            "Suivez la couverture du territoire (visites à l'heure, retards, communes sans bénévole) et exportez les indicateurs pour l'évaluation de la CTG."
        }
        Msg::HomeAdmin => {
            "Organisez le territoire (secteurs, communes, ambassadeurs), gérez les comptes et les appareils, consultez le journal."
        }
        Msg::RoleVolunteer => "Bénévole visiteur",
        Msg::RoleAmbassador => "Ambassadeur",
        Msg::RoleCoordinator => "Coordinateur CTG",
        Msg::RoleAdmin => "Administrateur",
        Msg::AccountsTitle => "Comptes",
        Msg::AccountsIntro => {
            "Les comptes que vous gérez. Un bénévole qui a oublié son mot de passe reçoit un nouveau lien ; un téléphone perdu se retire ici."
        }
        Msg::AccountsEmpty => "Aucun compte pour l'instant.",
        Msg::ColLogin => "Identifiant",
        Msg::ColName => "Nom",
        Msg::ColRole => "Rôle",
        Msg::ColStatus => "État",
        Msg::ColDevices => "Appareils",
        Msg::ColLastSeen => "Dernière activité",
        Msg::StatusActive => "actif",
        Msg::StatusDisabled => "désactivé",
        Msg::StatusNotEnrolled => "en attente du premier mot de passe",
        Msg::CreateAccountTitle => "Créer un compte",
        Msg::CreateAccountButton => "Créer le compte",
        Msg::ChoosePerson => "Choisir…",
        Msg::NoCandidates => "Toutes les personnes ont déjà un compte.",
        Msg::LinkTitle => "Lien de connexion",
        Msg::LinkIntro => {
            "Donnez ce lien à la personne, ou faites-lui scanner le code avec son téléphone. Il sert une seule fois, jusqu'au {until}."
        }
        Msg::QrLabel => "Code QR du lien de connexion",
        Msg::AccountTitle => "Compte",
        Msg::Disable => "Désactiver le compte",
        Msg::Enable => "Réactiver le compte",
        Msg::IssueLink => "Donner un lien de connexion",
        Msg::DevicesTitle => "Appareils",
        Msg::NoDevices => "Aucun appareil connecté.",
        Msg::ColDevice => "Appareil",
        Msg::ColFirstSeen => "Première connexion",
        Msg::ColLastSync => "Dernière synchronisation",
        Msg::Revoke => "Retirer cet appareil",
        Msg::RevokedOn => "retiré le {when}",
        Msg::Never => "jamais",
        Msg::BackToAccounts => "Retour aux comptes",
        Msg::JournalTitle => "Journal des accès",
        Msg::FilterActor => "Compte (numéro)",
        Msg::FilterKind => "Type d'objet",
        Msg::FilterSince => "Depuis le",
        Msg::FilterUntil => "Jusqu'au",
        Msg::FilterApply => "Filtrer",
        Msg::FilterAll => "Tous",
        Msg::ColWhen => "Quand",
        Msg::ColWho => "Qui",
        Msg::ColAction => "Action",
        Msg::ColObject => "Objet",
        Msg::ColDetail => "Détail",
        Msg::LoadMore => "Entrées plus anciennes",
        Msg::Working => "Un instant…",
        Msg::NavRound => "Ma tournée",
        Msg::NavAbsences => "Mes absences",
        Msg::NavMyPeople => "Mes personnes",
        Msg::NavVolunteer => "Pages du bénévole",
        Msg::RoundThisWeek => "Cette semaine",
        Msg::RoundNothingThisWeek => "Aucune visite prévue cette semaine.",
        Msg::RoundLater => "Semaines suivantes ({n} visite(s))",
        Msg::RoundOverdue => "En retard, sans visite prévue",
        Msg::PeopleNone => "Personne n'est encore sur ce téléphone : ouvrez l'application une fois avec du réseau.",
        Msg::ReportMore => "Plus de détails : durée, inquiétude, remarque, prochaine visite",
        Msg::RoundTitle => "Ma tournée",
        Msg::RoundIntro => "Vos visites, dans l'ordre du trajet. Tout fonctionne sans réseau.",
        Msg::RoundEmpty => "Aucune visite prévue pour le moment.",
        Msg::RoundNotLoaded => {
            "Votre tournée n'est pas encore sur ce téléphone : ouvrez l'application une fois avec du réseau."
        }
        Msg::NotLoggedInHere => "Connectez-vous pour voir votre tournée.",
        Msg::Today => "aujourd'hui",
        Msg::BadgeDue => "à voir maintenant",
        Msg::BadgeOverdue => "en retard de {n} j",
        Msg::BadgeNotDue => "pas avant {n} j",
        Msg::BadgeReported => "compte rendu fait",
        Msg::LastVisit => "Dernière visite : {date} ({outcome})",
        Msg::NoVisitYet => "Pas encore de visite",
        Msg::OpenCard => "Fiche",
        Msg::WriteReport => "Compte rendu",
        Msg::Decline => "Je ne peux pas",
        Msg::DeclineReason => "Pourquoi ? (facultatif)",
        Msg::DeclineSend => "Prévenir mon ambassadeur",
        Msg::DeclineUndo => "Finalement je peux",
        Msg::DeclineUndone => "C'est repris : la visite est de nouveau dans votre tournée.",
        Msg::DeclineAlreadySent => {
            "Trop tard : votre ambassadeur l'a déjà reçue. Appelez-le si vous pouvez finalement y aller."
        }
        Msg::DeclineSending => "Envoi en cours : réessayez dans un instant.",
        Msg::DeclinePending => "Déclinée : votre ambassadeur sera prévenu à la prochaine synchronisation.",
        Msg::DeclineSaved => "C'est noté : votre ambassadeur sera prévenu à la prochaine synchronisation.",
        Msg::NoticesTitle => "Changements dans votre tournée",
        Msg::NoticeAdded => "Nouvelle visite : {name}, le {day} à {time}",
        Msg::NoticeMoved => "{name} : déplacé du {from} au {to}",
        Msg::NoticeRemoved => "{name} : la visite du {day} est retirée",
        Msg::NoticesSeen => "J'ai vu",
        Msg::CardTitle => "Mes personnes",
        Msg::Call => "Appeler",
        Msg::Navigate => "Y aller",
        Msg::AccessNotes => "Pour entrer",
        Msg::Likes => "Ce que la personne aime",
        Msg::RhythmWeekly => "chaque semaine",
        Msg::RhythmTwoWeekly => "toutes les deux semaines",
        Msg::RhythmMonthly => "chaque mois",
        Msg::NextDue => "Prochaine visite attendue vers le {date} ({rhythm})",
        Msg::History => "Comptes rendus",
        Msg::ReportOnPhone => "sur le téléphone, pas encore envoyé",
        Msg::ReportReceived => "reçu par l'équipe",
        Msg::ReportFlagged => "reçu, à vérifier par votre ambassadeur (la visite avait changé)",
        Msg::ReportQuarantined => "mis de côté pour votre ambassadeur",
        Msg::ReportRejected => "refusé, à corriger",
        Msg::RefusedReport => {
            "Le compte rendu de la visite à {name} du {day} n'a pas été accepté. Il est gardé sur le téléphone : corrigez-le puis enregistrez-le."
        }
        Msg::RefusedCorrect => "Corriger le compte rendu",
        Msg::RefusedDayInFuture => "La date de la visite est dans le futur. Vérifiez la date, et l'heure du téléphone.",
        Msg::RefusedDayTooEarly => {
            "La date de la visite est trop ancienne (plus d'un an, ou avant le début du suivi de la personne)."
        }
        Msg::RefusedProposedNext => "La prochaine visite proposée doit être après la visite, dans l'année qui suit.",
        Msg::RefusedNoteCharacters => "La remarque contient des caractères invisibles ou de contrôle : retapez-la.",
        Msg::RefusedOther => "Le serveur l'a refusé (motif : {code}). Corrigez-le, ou demandez à votre ambassadeur.",
        Msg::ConcernOnPhone => "signalement sur le téléphone",
        Msg::ConcernReceived => "signalement reçu par l'équipe",
        Msg::ConcernAcknowledged => "signalement pris en charge",
        Msg::ConcernResolved => "signalement traité",
        Msg::UnknownPerson => "Cette personne n'est pas (ou plus) sur ce téléphone.",
        Msg::ReportTitle => "Compte rendu de visite",
        Msg::FieldOutcome => "Comment s'est passée la visite ?",
        Msg::OutcomeDone => "Visite faite",
        Msg::OutcomeNobodyHome => "Personne n'a ouvert",
        Msg::OutcomeRefused => "La personne n'a pas souhaité",
        Msg::OutcomePostponed => "Visite reportée",
        Msg::FieldDay => "Date de la visite",
        Msg::FieldDuration => "Durée (minutes)",
        Msg::FieldMood => "Comment allait la personne ?",
        Msg::Mood1 => "Très mal",
        Msg::Mood2 => "Pas bien",
        Msg::Mood3 => "Plutôt bien",
        Msg::Mood4 => "Bien",
        Msg::FieldConcerns => "Quelque chose vous inquiète ?",
        Msg::ConcernFall => "Une chute",
        Msg::ConcernHealth => "La santé",
        Msg::ConcernFood => "L'alimentation",
        Msg::ConcernHeating => "Le chauffage ou le logement",
        Msg::ConcernLoneliness => "La solitude",
        Msg::ConcernOther => "Autre chose",
        Msg::EmergencyReminder => {
            "Une urgence ? Appelez le 15 (SAMU) ou le 112. L'application n'envoie pas d'alerte : l'équipe lira ce signalement à la prochaine synchronisation."
        }
        Msg::FieldNote => "Remarque (courte)",
        Msg::FieldNextDate => "Prochaine visite proposée",
        Msg::SaveReport => "Enregistrer le compte rendu",
        Msg::ReportSaved => "Enregistré sur le téléphone. Il partira dès qu'il y aura du réseau.",
        Msg::DraftKept => "Brouillon gardé sur le téléphone.",
        Msg::ReportInvalid => {
            "Vérifiez le compte rendu : durée entre 1 et 600 minutes, pas de durée ni d'humeur si la visite n'a pas eu lieu, prochaine date après la visite."
        }
        Msg::AbsencesTitle => "Mes absences",
        Msg::AbsencesIntro => {
            "Dites à l'avance quand vous ne pourrez pas faire de visites : le planning en tiendra compte."
        }
        Msg::AbsenceFirst => "Du",
        Msg::AbsenceLast => "Au (inclus)",
        Msg::AbsenceDeclare => "Déclarer l'absence",
        Msg::AbsenceSaved => "Absence enregistrée : elle partira à la prochaine synchronisation.",
        Msg::AbsenceInvalid => "La date de fin doit suivre la date de début (un an au plus).",
        Msg::AbsencesDeclared => "Vos absences à venir",
        Msg::AbsencesNone => "Aucune absence à venir.",
        Msg::AbsenceCancel => "Annuler cette absence",
        Msg::AbsenceCancelPending => "annulation pas encore envoyée",
        Msg::AbsenceCancelSaved => "Annulation enregistrée : elle partira à la prochaine synchronisation.",
        Msg::AbsenceUndone => "Absence retirée avant son envoi.",
        Msg::AbsenceAlreadySent => "Elle vient de partir : elle sera annulable ici après la prochaine synchronisation.",
        Msg::SyncOnline => "En ligne",
        Msg::SyncOffline => "Hors ligne",
        Msg::SyncPending => "{n} en attente d'envoi",
        Msg::SyncAllSent => "tout est envoyé",
        Msg::SyncLast => "dernière synchronisation : {when}",
        Msg::SyncNever => "jamais synchronisé",
        Msg::SyncNow => "Synchroniser",
        Msg::SyncRunning => "Synchronisation…",
        Msg::SyncErrOffline => "Pas de réseau : tout reste sur le téléphone et partira plus tard.",
        Msg::SyncErrServer => "Le serveur ne répond pas correctement. Nouvel essai bientôt.",
        Msg::SyncErrSession => "Votre session a expiré : reconnectez-vous pour envoyer.",
        Msg::SyncErrStorage => "Le téléphone n'arrive pas à enregistrer. Libérez de la place ou demandez de l'aide.",
        Msg::SyncErrUpdate => {
            "Cette version de l'application est trop ancienne pour le serveur : mettez à jour l'application. Ce qui attend d'être envoyé reste sur le téléphone."
        }
        Msg::UpdateApp => "Mettre à jour l'application",
        Msg::SyncStale => {
            "{n} envoi(s) attendent depuis plus de 3 jours : trouvez du réseau (mairie, médiathèque, chez vous) ou appelez votre ambassadeur."
        }
        Msg::LogoutLoses => {
            "{n} compte(s) rendu(s) ne sont pas encore envoyés et seraient perdus. Se déconnecter quand même ?"
        }
        Msg::Back => "Retour",
        Msg::NavReview => "À vérifier",
        Msg::ReviewTitle => "À vérifier",
        Msg::FlagReassigned => "visite donnée à un autre bénévole entre-temps",
        Msg::FlagCancelled => "visite annulée entre-temps",
        Msg::FlagNotAssigned => "personne qui n'est pas suivie par ce bénévole",
        Msg::ColReceived => "Reçu le",
        Msg::NavPlanning => "Planifier la semaine",
        Msg::PlanningTitle => "Planification de la semaine",
        Msg::PlanningShow => "Afficher",
        Msg::PlanningUsual => "binôme habituel",
        Msg::PlanningSubstitute => "remplacement",
        Msg::PlanningColDay => "Jour",
        Msg::PlanningColTime => "Heure",
        Msg::PlanningColCommune => "Commune",
        Msg::PlanningColPair => "Binôme",
        Msg::PlanningColReason => "Raison",
        Msg::ReasonNoVolunteerInRange => "aucun bénévole à portée",
        Msg::ReasonNoCommonSlot => "aucun créneau commun",
        Msg::ReasonNoCapacity => "tournées déjà complètes",
        Msg::SheetTitle => "Tournée à imprimer",
        Msg::SheetDone => "Fait",
        Msg::SheetAddress => "Adresse",
        Msg::SheetPhone => "Téléphone",
        Msg::SheetAccess => "Accès",
        Msg::PlanningAdjust => "Ajuster le planning",
        Msg::PlanningLockSubmit => "Confier et recalculer",
        Msg::PlanningUnlock => "Retirer",
        Msg::PlanningLocked => "votre choix",
        Msg::PlanningLockedTo => "confiée à {name}",
        Msg::EntryTitle => "Saisir un compte rendu",
        Msg::EntryLink => "Saisir le compte rendu",
        Msg::EntrySaved => "Compte rendu enregistré.",
        Msg::EntryNone => "non renseigné",
        Msg::NavConcerns => "Signalements",
        Msg::NavCoverage => "Couverture du territoire",
        Msg::NavPeople => "Personnes et bénévoles",
        Msg::ConcernsTitle => "Signalements des visites",
        Msg::ConcernsColKind => "Signalement",
        Msg::ConcernsColStatus => "État",
        Msg::ConcernsColAction => "Suite",
        Msg::ConcernsAcknowledge => "Prendre en charge",
        Msg::ConcernsResolve => "Marquer traité",
        Msg::ConcernsBy => "par {name} le {when}",
        Msg::BackHome => "Retour à l'accueil",
    }
}
