"""Notifications: a message to a user when an answer is sent back or approved or an inquiry is assigned,
shown in the app and mailed through the county's SMTP server when one is configured.

`notify.py` decides who is told and stores the rows with the action's commit; `mail.py` words
the German mail and sends it from the job runner after the commit, so an SMTP server that is
down costs the mail (logged, listed for the administration), never the action.
"""
