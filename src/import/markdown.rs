//! A folder of Markdown files: every `.md` under it, its top folders the sections. Such a
//! folder has no URLs of its own to keep.

use super::tools::{skip_none, OldUrl, PageFacts, Root, SiteInfo, Source};
use super::Tool;

pub struct Plain {
    site: SiteInfo,
}

impl Plain {
    pub fn open() -> Plain {
        Plain {
            site: SiteInfo::default(),
        }
    }
}

impl Source for Plain {
    fn tool(&self) -> Tool {
        Tool::Markdown
    }

    fn roots(&self) -> Vec<Root> {
        vec![Root::new("", "", skip_none)]
    }

    fn site(&self) -> &SiteInfo {
        &self.site
    }

    fn old_url(&self, _: &PageFacts) -> OldUrl {
        OldUrl::None
    }
}
