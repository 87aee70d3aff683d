"""Reports: charts, school packs and (later) the board report, all from voice.stats figures."""
