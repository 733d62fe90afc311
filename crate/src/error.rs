use thiserror::Error;

/// Every failure the library reports. Messages name the input and what was expected.
#[derive(Debug, Error)]
pub enum IradError {
    #[error("{what}: {source}")]
    Io { what: String, #[source] source: std::io::Error },

    #[error("cannot decode image {name}: {reason}")]
    Image { name: String, reason: String },

    #[error("not an irad model bundle: {0}")]
    BundleFormat(String),

    #[error("bundle format version {found} is newer than this irad understands (up to {supported}); upgrade irad")]
    BundleVersion { found: u32, supported: u32 },

    #[error("bundle is truncated: {0}")]
    BundleTruncated(String),

    #[error("bundle is corrupt: {0}")]
    BundleCorrupt(String),

    #[error("bundle weights do not fit the network: {0}")]
    BundleShape(String),

    #[error("dataset {name}: {reason}")]
    Data { name: String, reason: String },

    #[error("invalid argument: {0}")]
    Invalid(String),

    #[error("checkpoint {path}: {reason}")]
    Checkpoint { path: String, reason: String },
}

pub type Result<T, E = IradError> = std::result::Result<T, E>;

impl IradError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        IradError::Io { what: what.into(), source }
    }
}
