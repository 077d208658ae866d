from luutru_ingest.cli import main

main()
