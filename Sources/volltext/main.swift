import VolltextCLI

await Volltext.runFromCommandLine()
