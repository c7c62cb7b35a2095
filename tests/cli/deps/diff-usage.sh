$CUSTODY deps diff onlyone
