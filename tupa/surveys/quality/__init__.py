"""Quality self-evaluation (FBK-09): criteria sets and a unit's yearly evaluation against one,
with the previous year's rating beside each criterion (``docs/surveys-quality.md``)."""
