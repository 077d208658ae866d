from luutru_analytics.cli import main

main()
