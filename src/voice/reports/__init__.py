"""Board report, school packs, charts and "you said, we did" sheets: writers over the stats and evidence services."""
