console.log("demo pending");
