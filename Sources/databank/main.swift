import DataBankServer

DataBankCLI.useEventLoopsForConcurrency()
try await DataBankCLI.main()
