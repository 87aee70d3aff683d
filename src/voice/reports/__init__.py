"""Board report, school packs, "you said, we did" sheets: writers over the stats and evidence services."""
