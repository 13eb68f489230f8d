"""The wire: REST client, DXLink client and account streamer client. No Qt."""
