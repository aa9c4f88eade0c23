# Reports and their figures arrive with the yearly-report issue.
