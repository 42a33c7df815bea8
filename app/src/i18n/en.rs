//! English texts.
use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "Monalisa Visites",
        Msg::Tagline => "Home visits to isolated elderly people in the Civraisien en Poitou",
        Msg::SkipToContent => "Skip to content",
        Msg::NavTerritory => "The territory",
        Msg::SwitchLanguage => "Français",
        Msg::SwitchLanguageLabel => "Lire cette page en français",
        Msg::OldBrowserTitle => "Browser too old",
        Msg::OldBrowserBody => "This browser is too old to run the app offline. You can read this page, \
            but recording visits needs Chrome or the Android browser (version 96 or later), \
            Firefox 79 or later, or Safari 15 or later. Ask your ambassador for help.",
        Msg::OfflineBanner => "Offline: you are looking at the last version saved on this device.",
        Msg::TerritoryTitle => "The Civraisien en Poitou territory",
        Msg::TerritoryIntro => "The Monalisa citizen teams visit isolated elderly people at home \
            in the 35 communes of the Communauté de communes du Civraisien en Poitou. \
            This action is part of the 2024-2027 Convention territoriale globale.",
        Msg::TerritoryPrivacy => "This page is public: it only shows census data, never the people visited.",
        Msg::TerritoryTableCaption => "The communes of the territory, population and area",
        Msg::ColumnCommune => "Commune",
        Msg::ColumnInsee => "INSEE code",
        Msg::ColumnPopulation => "Population",
        Msg::ColumnArea => "Area (km²)",
        Msg::ColumnDensity => "Density (inhab./km²)",
        Msg::TotalRow => "Territory",
        Msg::CommuneCount => "{n} communes",
        Msg::Loading => "Loading…",
        Msg::LoadFailed => "This data cannot be loaded right now.",
        Msg::DeviceTitle => "This device",
        Msg::DeviceIntro => "Check that this phone can keep your reports offline \
            and reach the server when there is a signal.",
        Msg::DeviceCheckButton => "Check this device",
        Msg::DeviceWaitingForApp => "The app is getting ready…",
        Msg::DeviceStorageOk => "Storage on the device: working.",
        Msg::DeviceStorageFailed => "Storage on the device: not working (private browsing?).",
        Msg::DeviceCheckCount => "Checks stored on this device: {n}",
        Msg::DeviceServerOk => "Server: reachable.",
        Msg::DeviceServerUnreachable => "Server: not reachable right now. That is fine: \
            what you record stays on the device until the signal returns.",
        Msg::DeviceReady => "App ready.",
        Msg::SourcesTitle => "Sources",
        Msg::SourcesBody => "Communes and populations: INSEE (legal populations 2023, COG 2026) and DGCL. \
            Outlines: IGN Admin Express 2018 via france-geojson, simplified. Licence Ouverte / Etalab.",
        Msg::VersionLabel => "Version",
        Msg::NotFoundTitle => "Page not found",
        Msg::NotFoundBody => "This page does not exist, or no longer does.",
        Msg::BackHome => "Back to the home page",
    }
}
