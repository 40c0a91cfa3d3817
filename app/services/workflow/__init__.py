"""Handling an item from assignment to closure: every action, the facts its guards read, the views.

Every state change goes through app.services.transitions.apply with the facts gathered in
`facts`; derived moves (item in progress, replied, new round, closed) are applied right after
the action that makes them due, by the system actor, in the same transaction.
"""
