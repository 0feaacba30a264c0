-- Every completion source ever made, removed ones too: `reprocess` reads their archived posts.
SELECT name, kind, campaign FROM completion_sources
