"""„Meine Aufgaben“: what the signed-in user has to do next, per role, on one page."""
