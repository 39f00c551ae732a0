import VolltextCLI

Volltext.main()
