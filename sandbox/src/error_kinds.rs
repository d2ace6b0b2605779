//! The kinds of EM 2.0 error a flow run produces: classification, source, code and
//! message vary as on a real account, so rules on any of them can be exercised.
//!
//! The kind of the n-th error a sandbox makes comes from a fixed-seed generator, so
//! the same requests give the same errors in every sandbox (tests can count on them).

/// One kind of error a step can fail with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ErrorKind {
    /// `classification`: one of the platform's classes (`connection`, `duplicate`,
    /// `governance`, `intermittent`, `missing`, `parse`, `value`).
    pub(crate) classification: &'static str,
    /// `source`: where in the step it arose.
    pub(crate) source: &'static str,
    /// `code`: as the application or the platform answered it.
    pub(crate) code: &'static str,
    /// `message`, with `{key}` standing for the record's trace key.
    pub(crate) message: &'static str,
    /// Whether retrying the record can succeed.
    pub(crate) retriable: bool,
}

/// The kinds, after errors seen on real accounts and Celigo's error patterns.
pub(crate) const KINDS: &[ErrorKind] = &[
    ErrorKind {
        classification: "value",
        source: "application",
        code: "invalid_value",
        message: "Record {key}: the field total must be a number.",
        retriable: true,
    },
    ErrorKind {
        classification: "missing",
        source: "mapping",
        code: "missing_required_field",
        message: "Record {key}: the required field email has no value.",
        retriable: true,
    },
    ErrorKind {
        classification: "duplicate",
        source: "application",
        code: "DUP_ENTITY",
        message: "Record {key}: a record with external id {key} already exists.",
        retriable: false,
    },
    ErrorKind {
        classification: "connection",
        source: "connection",
        code: "401",
        message: "Authentication failed: the access token is invalid or has expired.",
        retriable: true,
    },
    ErrorKind {
        classification: "intermittent",
        source: "application",
        code: "ETIMEDOUT",
        message: "The request for record {key} timed out after 60 seconds.",
        retriable: true,
    },
    ErrorKind {
        classification: "parse",
        source: "transformation",
        code: "parse_error",
        message: "Record {key}: the response could not be parsed: Unexpected token < in JSON at position 0.",
        retriable: false,
    },
    ErrorKind {
        classification: "governance",
        source: "application",
        code: "429",
        message: "Too many requests: the application's rate limit was exceeded while sending record {key}.",
        retriable: true,
    },
    ErrorKind {
        classification: "value",
        source: "pre_map_hook",
        code: "script_error",
        message: "Record {key}: TypeError: Cannot read properties of undefined (reading 'total').",
        retriable: true,
    },
];

/// The seed of the generator.
const SEED: u64 = 0x5eed_e22a_0c1a_55e5;

/// The kind of the `n`-th error a sandbox makes (splitmix64 of the seed and `n`).
pub(crate) fn nth(n: u64) -> ErrorKind {
    let mut z = SEED.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    let index = usize::try_from(z % KINDS.len() as u64).unwrap_or(0);
    KINDS.get(index).copied().unwrap_or(KINDS[0])
}

impl ErrorKind {
    /// The message about the record with this trace key.
    pub(crate) fn message_for(&self, key: &str) -> String {
        self.message.replace("{key}", key)
    }
}
