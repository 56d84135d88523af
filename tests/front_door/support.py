"""What a school's DSL tells the front door, as the contact fixtures and tests record it."""

CONTACT = {
    "referrer_name": "Dee School",
    "referrer_role": "DSL",
    "source_code": "2A",
    "worry": "Child arrived hungry and with bruising on both arms.",
    "categories": ["neglect", "physical_abuse"],
    "consent": "knows_and_agrees",
}
