//! Opaque ids: a global id is base64url("<Type>:<uuid>"), a cursor is
//! base64url("cursor:<uuid>"). Clients must treat both as opaque strings.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::domain::{AppError, AppResult};

/// Defines [`NodeType`] from one list, so a type's wire name, its noun in
/// messages and its membership of `ALL` cannot drift apart.
macro_rules! node_types {
    ($($variant:ident => $noun:literal),* $(,)?) => {
        /// The types that implement `Node`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum NodeType {
            $($variant),*
        }

        impl NodeType {
            const ALL: &'static [NodeType] = &[$(NodeType::$variant),*];

            /// The type name inside a global id (the GraphQL type's name).
            pub fn type_name(self) -> &'static str {
                match self {
                    $(NodeType::$variant => stringify!($variant)),*
                }
            }

            /// What a NOT_FOUND for this type says.
            pub fn noun(self) -> &'static str {
                match self {
                    $(NodeType::$variant => $noun),*
                }
            }
        }
    };
}

node_types! {
    Organisation => "organisation",
    GoverningBody => "governing body",
    Person => "person",
    Position => "position",
    Network => "network",
    CharterVersion => "charter version",
    Partnership => "partnership",
    Representation => "representation",
    Expectation => "expectation",
    AlignmentRound => "alignment round",
    Goal => "goal",
    Meeting => "meeting",
    Commitment => "commitment",
    Ratification => "ratification",
    RatificationCondition => "condition",
    ApiClient => "API client",
    IdentityProvider => "identity provider",
    Webhook => "webhook",
    Event => "event",
    CalendarFeed => "calendar feed",
    Indicator => "indicator",
    Measurement => "measurement",
    Cycle => "cycle",
}

pub fn global_id(node_type: NodeType, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", node_type.type_name())))
}

/// Decodes any global id. Malformed → BAD_USER_INPUT.
pub fn decode_global_id(field: &str, id: &ID) -> AppResult<(NodeType, Uuid)> {
    let malformed = || AppError::bad_input(field, format!("{field} is not a valid id"));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (type_name, uuid) = text.split_once(':').ok_or_else(malformed)?;
    let node_type = NodeType::ALL.iter().copied().find(|t| t.type_name() == type_name).ok_or_else(malformed)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| malformed())?;
    Ok((node_type, uuid))
}

/// Decodes an id that must name an object of `expected` type. An id of another
/// type names nothing of this type: NOT_FOUND, like a missing object.
pub fn decode_id(field: &str, id: &ID, expected: NodeType) -> AppResult<Uuid> {
    let (node_type, uuid) = decode_global_id(field, id)?;
    if node_type != expected {
        return Err(AppError::NotFound(expected.noun()));
    }
    Ok(uuid)
}

pub fn decode_ids(field: &str, ids: &[ID], expected: NodeType) -> AppResult<Vec<Uuid>> {
    ids.iter().map(|id| decode_id(field, id, expected)).collect()
}

pub fn cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{id}"))
}

/// Decodes an `after` cursor. Garbage → BAD_USER_INPUT.
pub fn decode_cursor(cursor: &str) -> AppResult<Uuid> {
    let malformed = || AppError::bad_input("after", "after is not a valid cursor");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let uuid = text.strip_prefix("cursor:").ok_or_else(malformed)?;
    Uuid::parse_str(uuid).map_err(|_| malformed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_carry_their_type() {
        let id = Uuid::now_v7();
        let gid = global_id(NodeType::Person, id);
        assert_eq!(decode_global_id("id", &gid).ok(), Some((NodeType::Person, id)));
        assert!(matches!(decode_id("id", &gid, NodeType::Organisation), Err(AppError::NotFound(_))));
    }

    #[test]
    fn garbage_is_bad_input() {
        for bad in [
            "",
            "!!",
            "T3JnYW5pc2F0aW9u",
            &URL_SAFE_NO_PAD.encode("Organisation:nope"),
            &URL_SAFE_NO_PAD.encode("Tenant:0190"),
        ] {
            assert!(
                matches!(decode_global_id("id", &ID(bad.to_string())), Err(AppError::BadUserInput { .. })),
                "{bad}"
            );
        }
        assert!(decode_cursor("garbage").is_err());
        let id = Uuid::now_v7();
        assert_eq!(decode_cursor(&cursor(id)).ok(), Some(id));
    }
}
