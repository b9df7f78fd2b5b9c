"""drafter: belegte Antwortentwürfe für Anfragen an Kreisverwaltungen."""
