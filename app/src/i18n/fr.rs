//! French texts (the reference language).
use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "Monalisa Visites",
        Msg::Tagline => "Les visites aux personnes âgées isolées du Civraisien en Poitou",
        Msg::SkipToContent => "Aller au contenu",
        Msg::NavTerritory => "Le territoire",
        Msg::SwitchLanguage => "English",
        Msg::SwitchLanguageLabel => "Read this page in English",
        Msg::OldBrowserTitle => "Navigateur trop ancien",
        Msg::OldBrowserBody => "Ce navigateur est trop ancien pour faire fonctionner l'application hors connexion. \
            Vous pouvez lire cette page, mais pour noter vos visites il faut Chrome ou le navigateur Android \
            (version 96 ou plus récente), Firefox 79 ou plus, ou Safari 15 ou plus. \
            Demandez de l'aide à votre ambassadeur.",
        Msg::OfflineBanner => "Hors connexion : vous consultez la dernière version enregistrée sur cet appareil.",
        Msg::TerritoryTitle => "Le territoire du Civraisien en Poitou",
        Msg::TerritoryIntro => "Les équipes citoyennes Monalisa rendent visite aux personnes âgées isolées, \
            chez elles, dans les 35 communes de la Communauté de communes du Civraisien en Poitou. \
            Cette action fait partie de la Convention territoriale globale 2024-2027.",
        Msg::TerritoryPrivacy => "Cette page est publique : elle ne montre que des données du recensement, \
            jamais les personnes visitées.",
        Msg::TerritoryTableCaption => "Les communes du territoire, population municipale et superficie",
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
        Msg::DeviceIntro => "Vérifiez que ce téléphone peut garder vos comptes rendus hors connexion \
            et joindre le serveur quand il y a du réseau.",
        Msg::DeviceCheckButton => "Vérifier cet appareil",
        Msg::DeviceWaitingForApp => "L'application se prépare…",
        Msg::DeviceStorageOk => "Stockage sur l'appareil : il fonctionne.",
        Msg::DeviceStorageFailed => "Stockage sur l'appareil : il ne fonctionne pas (navigation privée ?).",
        Msg::DeviceCheckCount => "Vérifications enregistrées sur cet appareil : {n}",
        Msg::DeviceServerOk => "Serveur : joignable.",
        Msg::DeviceServerUnreachable => "Serveur : injoignable pour le moment. Ce n'est pas grave : \
            ce qui est noté reste sur l'appareil jusqu'au retour du réseau.",
        Msg::DeviceReady => "Application prête.",
        Msg::SourcesTitle => "Sources",
        Msg::SourcesBody => "Communes et populations : INSEE (populations légales millésime 2023, COG 2026) \
            et DGCL. Contours : IGN Admin Express 2018 via france-geojson, simplifiés. \
            Licence Ouverte / Etalab.",
        Msg::VersionLabel => "Version",
        Msg::NotFoundTitle => "Page introuvable",
        Msg::NotFoundBody => "Cette page n'existe pas ou plus.",
        Msg::BackHome => "Retour à l'accueil",
    }
}
