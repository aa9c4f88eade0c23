"""What every REST endpoint shares: roles and access, pagination and ordering, incremental sync,
exports, the error shape and throttling. Each app's own endpoints live in its apis.py."""
