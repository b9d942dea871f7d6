//! The dossier JSON validates against the shipped schema, and the schema rejects
//! dossiers that break the contract.

use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/dossier.v1.schema.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema itself is valid")
}

fn seed_json() -> Value {
    serde_json::from_str(&corroborate_report::to_json(crate::seed_dossier())).unwrap()
}

#[test]
fn the_seed_dossier_validates() {
    let v = validator();
    let doc = seed_json();
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn contract_breaks_are_rejected() {
    let v = validator();
    let mut missing = seed_json();
    missing.as_object_mut().unwrap().remove("facts");
    assert!(!v.is_valid(&missing));
    let mut wrong_version = seed_json();
    wrong_version["schema_version"] = Value::from(2);
    assert!(!v.is_valid(&wrong_version));
    let mut bad_status = seed_json();
    bad_status["facts"][0]["status"] = Value::from("probably");
    assert!(!v.is_valid(&bad_status));
    let mut extra = seed_json();
    extra["facts"][0]["evidence"][0]["colour"] = Value::from("red");
    assert!(!v.is_valid(&extra));
}
