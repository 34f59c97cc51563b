"""Ban-evasion linking: tie a new account to the suspended account it replaces, with evidence."""
