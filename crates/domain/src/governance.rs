//! Dutch governance as data: which bodies an organisation of a given kind has
//! by default, and what say each has. Admins adjust them per organisation.

use entity::{BodyKind, BodyRight, OrganisationKind};

use super::{AppError, AppResult};

/// A governing body as the rules see it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySpec {
    pub name: String,
    pub kind: BodyKind,
    pub right: BodyRight,
    pub response_days: i32,
}

fn body(name: &str, kind: BodyKind, right: BodyRight, response_days: i32) -> BodySpec {
    BodySpec { name: name.to_owned(), kind, right, response_days }
}

/// The bodies `createOrganisation` creates for a kind. Exactly one DECIDES; a
/// supervisory board APPROVES where statutes usually say so; a works council
/// ADVISES on lasting collaboration (WOR art. 25) within its legal six weeks;
/// a municipal council gives WISHES_AND_CONCERNS before the college decides.
pub fn default_bodies(kind: OrganisationKind) -> Vec<BodySpec> {
    use BodyKind::*;
    use BodyRight::*;
    match kind {
        OrganisationKind::HousingCorporation => vec![
            body("Bestuur", ExecutiveBoard, Decides, 0),
            body("Raad van Commissarissen", SupervisoryBoard, Approves, 0),
            body("Ondernemingsraad", WorksCouncil, Advises, 42),
            body("Huurdersorganisatie", ClientCouncil, Advises, 42),
        ],
        OrganisationKind::Municipality => vec![
            body("College van B&W", ExecutiveBoard, Decides, 0),
            body("Gemeenteraad", MunicipalCouncil, WishesAndConcerns, 42),
        ],
        OrganisationKind::CareProvider => vec![
            body("Raad van Bestuur", ExecutiveBoard, Decides, 0),
            body("Raad van Toezicht", SupervisoryBoard, Approves, 0),
            body("Ondernemingsraad", WorksCouncil, Advises, 42),
            body("Cliëntenraad", ClientCouncil, Advises, 42),
        ],
        OrganisationKind::SchoolBoard => vec![
            body("College van Bestuur", ExecutiveBoard, Decides, 0),
            body("Raad van Toezicht", SupervisoryBoard, Approves, 0),
            body("Gemeenschappelijke medezeggenschapsraad", WorksCouncil, Advises, 42),
        ],
        OrganisationKind::Welfare => vec![
            body("Bestuur", ExecutiveBoard, Decides, 0),
            body("Raad van Toezicht", SupervisoryBoard, Approves, 0),
            body("Ondernemingsraad", WorksCouncil, Advises, 42),
        ],
        OrganisationKind::Company => {
            vec![body("Directie", ExecutiveBoard, Decides, 0), body("Ondernemingsraad", WorksCouncil, Advises, 42)]
        }
        OrganisationKind::Other => vec![body("Bestuur", ExecutiveBoard, Decides, 0)],
    }
}

/// An organisation's active bodies must include exactly one that DECIDES, and
/// their names must be distinct: ratifications name them.
pub fn check_body_set(bodies: &[BodySpec]) -> AppResult<()> {
    let deciding = bodies.iter().filter(|b| b.right == BodyRight::Decides).count();
    if deciding != 1 {
        return Err(AppError::bad_input(
            "bodies",
            format!("an organisation needs exactly one body that DECIDES, found {deciding}"),
        ));
    }
    let mut names: Vec<String> = bodies.iter().map(|b| b.name.to_lowercase()).collect();
    names.sort();
    if names.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(AppError::bad_input("bodies", "governing body names must be distinct"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::Iterable;

    use super::*;

    #[test]
    fn every_kind_has_exactly_one_deciding_body_by_default() {
        for kind in OrganisationKind::iter() {
            assert!(check_body_set(&default_bodies(kind)).is_ok(), "{kind:?}");
        }
    }

    #[test]
    fn two_deciding_bodies_are_refused() {
        let mut bodies = default_bodies(OrganisationKind::Other);
        bodies.push(body("Tweede bestuur", BodyKind::Other, BodyRight::Decides, 0));
        assert!(check_body_set(&bodies).is_err());
    }
}
